using System.Text.RegularExpressions;

namespace Mft;

/// <summary>
/// An error caused by the user's input or environment (a bad file, an invalid option), whose message is
/// complete enough to show on its own. The CLI prints it without a stack trace. A message that mentions options
/// (<see cref="NamingOptions(string)"/>) writes them <c>{key}</c>: <see cref="Exception.Message"/> names them as keys
/// (<c>pass overwrite to replace it</c>), <see cref="AsFlags"/> as the command line's flags (<c>pass --overwrite</c>).
/// </summary>
public partial class MftException : Exception
{
    private readonly string? _subject;   // the option the message is about, written before it
    private readonly string? _naming;    // the message with {key} where it names an option

    public MftException(string message) : base(message) { }
    public MftException(string message, Exception inner) : base(message, inner) { }

    /// <summary>A message about option <paramref name="subject"/> (when given) naming options as <c>{key}</c> in <paramref name="naming"/>.</summary>
    private protected MftException(string? subject, string naming, Exception? inner = null) : base(Spell(subject, naming, k => k), inner)
    {
        _subject = subject;
        _naming = naming;
    }

    /// <summary>An error whose message names options as <c>{key}</c> (<c>$"{path}: already exists; pass {{overwrite}} to replace it"</c>).</summary>
    public static MftException NamingOptions(string message) => new(null, message);

    /// <summary><see cref="NamingOptions(string)"/> for an error caused by <paramref name="inner"/>.</summary>
    public static MftException NamingOptions(string message, Exception inner) => new(null, message, inner);

    /// <summary>The message with every option it names spelt as a command-line flag.</summary>
    public string AsFlags => _naming is null ? Message : Spell(_subject, _naming, OptionException.Flag);

    private static string Spell(string? subject, string naming, Func<string, string> spell) =>
        (subject is null ? "" : spell(subject) + ": ") + Render(naming, spell);

    private protected static string Render(string naming, Func<string, string> spell) => KeyReference().Replace(naming, m => spell(m.Groups[1].Value));

    [GeneratedRegex(@"\{([a-z0-9_]+)\}")]
    private static partial Regex KeyReference();
}
