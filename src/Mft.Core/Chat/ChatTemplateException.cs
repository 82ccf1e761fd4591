namespace Mft.Chat;

/// <summary>
/// A chat template that cannot be parsed or rendered, or that rejected the conversation through
/// <c>raise_exception</c>. The message names the template's origin (its file) and, where known, the line.
/// </summary>
public sealed class ChatTemplateException : MftException
{
    public ChatTemplateException(string message) : base(message) { }
    public ChatTemplateException(string message, Exception inner) : base(message, inner) { }
}
