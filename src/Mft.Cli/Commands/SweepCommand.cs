using Mft.Sweep;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary><c>mft sweep</c>: methods x data budgets x seeds, resumable, with a results table, plots and a tau choice per degeneralization budget.</summary>
public sealed class SweepCommand : Command<SweepSettings>
{
    public override int Execute(CommandContext context, SweepSettings s, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(s.Config)) throw new MftException("--config is required (a sweep YAML file, e.g. sweeps/embedded.yaml)");
        var config = SweepConfig.Load(s.Config);
        // The defaults name the embedded model and corpora; find them from wherever mft runs.
        if (config.Model == "models/base" && !Directory.Exists(config.Model)) config = config with { Model = EmbeddedAssets.Find("models/base", "config.json") };
        if (config.Data == "data" && !Directory.Exists(config.Data)) config = config with { Data = EmbeddedAssets.Find("data", "general/test.txt") };
        var runner = new SweepRunner(config, s.Out, s.Overwrite, s.Threads);
        using var ctrlC = new CtrlC(cancellationToken);
        runner.RunCompleted += (r, i, total) =>
        {
            var f = r.Final.Report;
            AnsiConsole.MarkupLine(Markup.Escape(
                $"[{i}/{total}] {r.Domain} n{r.Budget} seed{r.Seed} {r.Method,-14} S {f.Specialization,7:P1}  D {f.Degeneralization,7:P2}  S/D {f.RatioText}  {r.Seconds:F0} s"));
        };
        try
        {
            runner.Run(ctrlC.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"stopped; run the same command again to continue the sweep in {s.Out}");
            return 130;
        }
        AnsiConsole.MarkupLine($"report: [bold]{Markup.Escape(Path.Combine(s.Out, "report.md"))}[/]");
        return 0;
    }
}
