namespace Mft.Chat.Jinja;

/// <summary>An error in a template's syntax or while evaluating it, at a line of the template (1-based; 0 when unknown).</summary>
internal sealed class TemplateError(string message, int line = 0) : Exception(message)
{
    public int Line { get; set; } = line;
}

/// <summary>The template called <c>raise_exception(message)</c>: it rejects its input on purpose.</summary>
internal sealed class RaisedByTemplate(string message) : Exception(message);
