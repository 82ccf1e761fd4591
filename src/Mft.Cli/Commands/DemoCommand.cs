using Mft.Demo;
using Mft.Sweep;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary><c>mft demo</c>: FT vs MFT on the embedded base model and domains, with a report and S-D plots.</summary>
public sealed class DemoCommand : Command<DemoSettings>
{
    public override int Execute(CommandContext context, DemoSettings s, CancellationToken cancellationToken)
    {
        var given = s.Given().ToList();
        // The embedded model and corpora unless the options name others, found from wherever mft runs.
        if (s.Model is null) given.Insert(0, KeyValuePair.Create("model", EmbeddedAssets.Find("models/base", "config.json")));
        if (s.DataDir is null) given.Insert(0, KeyValuePair.Create("data_dir", EmbeddedAssets.Find("data", "general/test.txt")));
        var config = new DemoConfig
        {
            Sweep = DemoPreset.With(DemoPreset.Load(), given),
            OutputDirectory = s.Out, Overwrite = s.Overwrite, Threads = s.Threads, Workers = s.Workers, Device = s.Device,
        };
        var runner = new DemoRunner(config);
        var sweep = config.Sweep;
        int total = SweepCell.Grid(sweep).Count;
        IReadOnlyList<SweepRun> runs = [];
        using var ctrlC = new CtrlC(cancellationToken);
        try
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var overall = ctx.AddTask($"demo: {total} runs", maxValue: total);
                    var running = new Dictionary<string, ProgressTask>();   // runs train on several threads at once
                    runner.StepCompleted += (name, m, steps) =>
                    {
                        lock (running)
                        {
                            if (!running.TryGetValue(name, out var task)) running[name] = task = ctx.AddTask(Markup.Escape(name), maxValue: steps);
                            task.Value = m.Step;
                            task.Description = Markup.Escape($"{name}: step {m.Step}/{steps} loss {m.Loss:F3}");
                        }
                    };
                    runner.RunCompleted += (r, trained) =>
                    {
                        lock (running)
                        {
                            overall.Increment(1);
                            if (running.Remove(r.Label, out var task)) task.StopTask();
                            AnsiConsole.MarkupLine(Markup.Escape(
                                $"  {r.Domain,-7} {r.Method,-13} S {r.Final.Report.Specialization,7:P1}  D {r.Final.Report.Degeneralization,7:P2}  S/D {r.Final.Report.RatioText}{(trained ? "" : "  (done earlier)")}"));
                        }
                    };
                    runs = runner.Run(ctrlC.Token);
                });
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"stopped; run the same command again to continue the demo in {s.Out}");
            return 130;
        }
        var methods = sweep.Variants().ToDictionary(m => m.Name);
        var table = new Table().AddColumns("domain", "method", "domain ppl", "general ppl", "S", "D", "S/D");
        foreach (var r in runs)
        {
            var f = r.Final.Report;
            table.AddRow(r.Domain, Markup.Escape(DemoPreset.Label(sweep, methods[r.Method])), $"{f.DomainBase:F2} → {f.Domain:F2}", $"{f.GeneralBase:F2} → {f.General:F2}",
                f.Specialization.ToString("P1"), f.Degeneralization?.ToString("P2") ?? "-", Markup.Escape(f.RatioText));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"report: [bold]{Markup.Escape(Path.Combine(config.OutputDirectory, "report.md"))}[/]");
        return 0;
    }
}
