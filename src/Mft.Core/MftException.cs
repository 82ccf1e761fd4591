namespace Mft;

/// <summary>
/// An error caused by the user's input or environment (a bad file, an invalid option), whose message is
/// complete enough to show on its own. The CLI prints it without a stack trace.
/// </summary>
public class MftException : Exception
{
    public MftException(string message) : base(message) { }
    public MftException(string message, Exception inner) : base(message, inner) { }
}
