using Mft.Cli.Commands;
using Mft.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli;

/// <summary>The <c>mft</c> command line: registers commands and turns errors into one clear message.</summary>
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
        bool verbose = args.Contains("--verbose");
        if (args is [("train" or "teacher-cache") and var command, .. var rest])   // options from the library's records (OptionArgs)
        {
            try { return command == "train" ? TrainCommand.Run(rest, fromConfig) : TeacherCacheCommand.Run(rest, fromConfig); }
            catch (Exception e) { return Report(e, verbose, fromConfig); }
        }
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("mft");
            config.SetApplicationVersion(VersionInfo.Mft);   // lists -v, --version in the help; Run prints the full versions itself
            config.UseStrictParsing();   // a misspelt or unknown option is an error naming it, on every command
            config.AddCommand<DemoCommand>("demo").WithDescription("FT vs MFT on the embedded base model and domains: report and S-D plots.");
            config.AddCommand<GenerateCommand>("generate").WithDescription("Continue a prompt with a model.");
            config.AddCommand<PerplexityCommand>("perplexity").WithDescription("Token-level perplexity of a model over a file.");
            config.AddCommand<ListedCommand>("train").WithDescription(TrainCommand.Description);
            config.AddBranch("corpus", b => b.AddCommand<CorpusBuildCommand>("build").WithDescription("Build the embedded corpora under data/ from package sources."));
            config.AddBranch("tokenizer", b => b.AddCommand<TokenizerTrainCommand>("train").WithDescription("Train a byte-level BPE tokenizer.json."));
            config.AddCommand<ListedCommand>("teacher-cache").WithDescription(TeacherCacheCommand.Description);
            config.AddCommand<SweepCommand>("sweep").WithDescription("Compare methods (ft, mft, lora, dora, ia3, replay and compositions) over data budgets and seeds.");
            config.AddCommand<MergeCommand>("merge").WithDescription("Fold a PEFT adapter (LoRA, DoRA, IA3) into its base model.");
            config.AddCommand<ExportCommand>("export").WithDescription("Write a model (with an adapter merged) as GGUF for llama.cpp, LLamaSharp and Ollama.");
            config.AddCommand<PretrainCommand>("pretrain").WithDescription("Train the embedded base model from scratch (resumable).");
            config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Specialization and degeneralization of a tuned model against its base.");
            config.SetExceptionHandler((ex, _) => Report(ex, verbose, fromConfig));
        });
        return app.Run(args);
    }

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
