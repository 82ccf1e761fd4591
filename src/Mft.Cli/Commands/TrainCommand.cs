using Mft.Evaluation;
using Mft.Training;
using Spectre.Console;
using Mft.Jobs;

namespace Mft.Cli.Commands;

/// <summary>
/// <c>mft train</c>: finetune (ft), minifinetune (mft) or self-distill (kd) a model on domain data. Its options are the
/// library's job record's (<see cref="TrainOptions"/>), parsed by <see cref="OptionArgs"/>.
/// </summary>
public static class TrainCommand
{
    public const string Description = "Finetune (ft), minifinetune (mft) or self-distill (kd) a model on domain data.";

    public static int Run(TrainOptions options)
    {
        var config = options.Job;
        config.Validate();
        using var ctrlC = new CtrlC(CancellationToken.None);
        try
        {
            var result = Run(new FinetuneJob(config), ctrlC.Token);
            ResultTable.Write(config.Trainer.Kind.Label(config.Trainer.Tau), result.Final.Report);
            if (result.Tasks.Count > 0) TaskTable.Write(result.Tasks);
            if (config.Trainer.MaxDegeneralization is double max)
                AnsiConsole.MarkupLine(result.Final.Step == 0
                    ? $"no evaluated step kept degeneralization within {max:P1}: the base weights were kept"
                    : $"kept step {result.Final.Step}: the lowest domain validation perplexity with degeneralization within {max:P1}");
            AnsiConsole.MarkupLine($"model: [bold]{Markup.Escape(result.ModelDirectory)}[/]  report: {Markup.Escape(new Mft.Runs.RunLayout(config.OutputDirectory).ReportMarkdown)}");
            return 0;
        }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine(e.Message);
            return 130;
        }
    }

    internal static FinetuneResult Run(FinetuneJob job, CancellationToken cancel)
    {
        FinetuneResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("preparing", maxValue: 1);
                job.Status += status => task.Description = Markup.Escape(status);
                job.Notice += line => AnsiConsole.MarkupLine(Markup.Escape(line));
                job.StepCompleted += (m, total) =>
                {
                    task.MaxValue = total;
                    task.Value = m.Step;
                    var extra = (m.TrainPerplexity is double ppl ? $" ppl {ppl:F2}" : "") + (m.MixMean is double mix ? $" m̄ {mix:F2} wrong {m.ArgmaxWrongShare:P0}" : "");
                    task.Description = Markup.Escape($"step {m.Step}/{total} loss {m.Loss:F4} {m.TokensPerSecond:F0} tok/s{extra}");
                };
                job.Evaluated += p => AnsiConsole.MarkupLine(Markup.Escape(
                    $"  eval step {p.Step}: domain val {p.DomainValidation:F3}, domain test {p.DomainTest:F3}, general {(p.General is double g ? g.ToString("F3") : "-")}, " +
                    $"S {p.Report.Specialization:P2}, D {(p.Report.Degeneralization is double d ? d.ToString("P2") : "-")}"));
                result = job.Run(cancel);
                task.Value = task.MaxValue;
            });
        return result!;
    }
}
