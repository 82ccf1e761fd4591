using Mft.Cli;

namespace Mft.Tests.Cli;

/// <summary>Runs <c>mft ARGS</c> in this process (<see cref="MftApp.Run"/>), capturing what it writes to stderr; for tests in the "console" collection.</summary>
public static class InProcessMft
{
    public static (int Code, string Err) Run(params string[] args)
    {
        var oldErr = Console.Error;
        var e = new StringWriter();
        Console.SetError(e);
        try { return (MftApp.Run(args), e.ToString()); }
        finally { Console.SetError(oldErr); }
    }
}
