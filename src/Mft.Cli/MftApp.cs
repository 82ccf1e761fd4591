using Mft.Cli.Commands;
using Mft.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli;

/// <summary>
/// The <c>mft</c> command line: runs the command the arguments name and turns errors into one clear message. The
/// commands of <see cref="MftCommands"/> bind the library's records (<see cref="OptionArgs"/>); Spectre parses
/// <c>demo</c> and <c>sweep</c> and prints <c>mft --help</c>. <c>--verbose</c> (stack traces on errors) is taken here, for
/// every command.
/// </summary>
public static class MftApp
{
    public static int Run(string[] args)
    {
        if (args is ["--version"] or ["-v"])   // Mft, TorchSharp and libtorch; Spectre's own would print Mft's alone
        {
            Console.WriteLine(VersionInfo.Describe());
            return 0;
        }
        var fromConfig = new Dictionary<string, string>();   // option key -> the --config file that gave it
        bool verbose = args.Contains(Verbose);
        args = [.. args.Where(a => a != Verbose)];
        if (MftCommands.Find(args) is { } found)
        {
            if (found.Command.RunsOnRanks && !Mft.Distributed.ProcessGroups.Detect().IsRoot)
                Console.SetOut(TextWriter.Null);   // under MPI rank 0 prints; errors print on every rank
            if (!found.Command.RunsOnRanks && Mft.Distributed.ProcessGroups.UnderMpi(Environment.GetEnvironmentVariable)
                && Mft.Distributed.ProcessGroups.Detect() is { Size: > 1 } ranks)
                ranks.Abort($"error: mft {found.Command.Name} does not run on MPI ranks ({ranks.Size} here): only train and teacher-cache "
                    + "share one job over ranks; start it as one process (docs/cluster.md)", 2);
            try { return found.Command.Run(found.Arguments, fromConfig); }
            catch (Exception e) { return Report(e, verbose, fromConfig); }
        }
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("mft");
            config.SetApplicationVersion(VersionInfo.Mft);   // lists -v, --version in the help; Run prints the full versions itself
            config.UseStrictParsing();   // a misspelt or unknown option is an error naming it, on every command
            config.AddCommand<DemoCommand>("demo").WithDescription("FT vs MFT on the embedded base model and domains: report and S-D plots.");
            config.AddCommand<SweepCommand>("sweep").WithDescription("Compare methods (ft, mft, lora, dora, ia3, replay and compositions) over data budgets and seeds.");
            foreach (var command in MftCommands.All)   // listed only: MftApp runs them before Spectre parses
            {
                if (command.Words is [var name]) config.AddCommand<ListedCommand>(name).WithDescription(command.Description);
                else config.AddBranch(command.Words[0], b => b.AddCommand<ListedCommand>(command.Words[1]).WithDescription(command.Description));
            }
            config.SetExceptionHandler((ex, _) => Report(ex, verbose, fromConfig));
        });
        return app.Run(args);
    }

    /// <summary>Shows stack traces on errors; taken out of the arguments before any command parses them.</summary>
    public const string Verbose = "--verbose";

    /// <summary>
    /// Prints the error. An option named by key is spelt as the user gave it: as the config file's key, with the file,
    /// when a <c>--config</c> file set it; else as its flag.
    /// </summary>
    private static int Report(Exception ex, bool verbose, IReadOnlyDictionary<string, string> fromConfig)
    {
        var inner = ex is CommandRuntimeException or CommandParseException ? ex : Unwrap(ex);
        var message = inner switch
        {
            OptionException o when fromConfig.TryGetValue(o.Key, out var file) => $"{file}: {o.Message}",
            MftException m => m.AsFlags,
            _ => inner.Message,
        };
        Console.Error.WriteLine($"error: {message}");
        if (verbose) Console.Error.WriteLine(inner);
        return inner is MftException or CommandAppException ? 2 : 1;
    }

    private static Exception Unwrap(Exception ex)
    {
        while (ex is System.Reflection.TargetInvocationException or AggregateException && ex.InnerException is not null)
            ex = ex.InnerException;
        return ex;
    }
}
