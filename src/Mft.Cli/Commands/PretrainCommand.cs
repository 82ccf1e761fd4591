using Spectre.Console;
using Mft.Jobs;

namespace Mft.Cli.Commands;

/// <summary><c>mft pretrain</c>: trains the embedded base model from scratch (resumable); the recipe is <see cref="PretrainJobConfig"/>'s.</summary>
public static class PretrainCommand
{
    public static int Run(PretrainJobConfig config)
    {
        using var ctrlC = new CtrlC(CancellationToken.None);
        try
        {
            var job = new PretrainJob(config);
            job.StepCompleted += (m, total) =>
            {
                if (m.Step % 10 == 0 || m.Step == total)
                    Console.WriteLine($"step {m.Step}/{total} loss {m.Loss:F4} lr {m.LearningRate:E2} {m.TokensPerSecond:F0} tok/s");
            };
            job.Notice += line => AnsiConsole.MarkupLine(Markup.Escape(line));
            job.Evaluated += p => Console.WriteLine($"eval step {p.Step}: held-out perplexity {p.DomainTest:F3}");
            var final = job.Run(ctrlC.Token);
            AnsiConsole.MarkupLine($"saved {Markup.Escape(config.OutputDirectory)}: general test perplexity {final.DomainTest:F3}");
            return 0;
        }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine(e.Message);
            return 130;
        }
    }
}
