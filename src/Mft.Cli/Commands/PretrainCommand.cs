using System.ComponentModel;
using Mft.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using Mft.Jobs;

namespace Mft.Cli.Commands;

public sealed class PretrainSettings : ComputeSettings
{
    [CommandOption("--data <FILE>")] [DefaultValue("data/general/train.txt")] public string Data { get; init; } = "data/general/train.txt";
    [CommandOption("--test <FILE>")] [DefaultValue("data/general/test.txt")] public string Test { get; init; } = "data/general/test.txt";
    [CommandOption("--tokenizer <DIR>")] [Description("folder with tokenizer.json")] public string Tokenizer { get; init; } = "";
    [CommandOption("--out <DIR>")] public string Out { get; init; } = "";
    [CommandOption("--resume")] public bool Resume { get; init; }
    [CommandOption("--overwrite")] public bool Overwrite { get; init; }
    [CommandOption("--hidden <N>")] [DefaultValue(256)] public int Hidden { get; init; } = 256;
    [CommandOption("--layers <N>")] [DefaultValue(6)] public int Layers { get; init; } = 6;
    [CommandOption("--heads <N>")] [DefaultValue(8)] public int Heads { get; init; } = 8;
    [CommandOption("--kv-heads <N>")] [DefaultValue(4)] public int KvHeads { get; init; } = 4;
    [CommandOption("--mlp <N>")] [DefaultValue(688)] public int Mlp { get; init; } = 688;
    [CommandOption("--context <N>")] [DefaultValue(256)] public int Context { get; init; } = 256;
    [CommandOption("--batch-size <N>")] [DefaultValue(16)] public int BatchSize { get; init; } = 16;
    [CommandOption("--lr <LR>")] [DefaultValue(2e-3)] public double LearningRate { get; init; } = 2e-3;
    [CommandOption("--max-steps <N>")] [DefaultValue(3000)] public int MaxSteps { get; init; } = 3000;
    [CommandOption("--warmup-steps <N>")] [DefaultValue(100)] public int WarmupSteps { get; init; } = 100;
    [CommandOption("--eval-every <N>")] [DefaultValue(500)] public int EvalEvery { get; init; } = 500;
    [CommandOption("--checkpoint-every <N>")] [DefaultValue(100)] public int CheckpointEvery { get; init; } = 100;
    [CommandOption("--seed <S>")] [DefaultValue(0)] public int Seed { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Tokenizer) || string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--tokenizer and --out are required") : ValidationResult.Success();
}

/// <summary><c>mft pretrain</c>: trains the embedded base model from scratch (resumable).</summary>
public sealed class PretrainCommand : Command<PretrainSettings>
{
    public override int Execute(CommandContext context, PretrainSettings s, CancellationToken cancellationToken)
    {
        var config = new PretrainJobConfig
        {
            DataPath = s.Data, TestPath = s.Test, TokenizerDirectory = s.Tokenizer, OutputDirectory = s.Out, Resume = s.Resume,
            Overwrite = s.Overwrite, Threads = s.Threads, HiddenSize = s.Hidden, Layers = s.Layers, Heads = s.Heads, KvHeads = s.KvHeads,
            IntermediateSize = s.Mlp, MaxPositions = Math.Max(512, s.Context),
            Trainer = new TrainerConfig
            {
                Method = "ft", ContextLength = s.Context, BatchSize = s.BatchSize, LearningRate = s.LearningRate, MaxSteps = s.MaxSteps,
                WarmupSteps = s.WarmupSteps, EvalEvery = s.EvalEvery, CheckpointEvery = s.CheckpointEvery, Seed = s.Seed,
                WeightDecay = 0.1, Schedule = ScheduleKind.Cosine, MinLrRatio = 0.1,
            },
        };
        using var ctrlC = new CtrlC(cancellationToken);
        try
        {
            var job = new PretrainJob(config);
            job.StepCompleted += (m, total) =>
            {
                if (m.Step % 10 == 0 || m.Step == total)
                    Console.WriteLine($"step {m.Step}/{total} loss {m.Loss:F4} lr {m.LearningRate:E2} {m.TokensPerSecond:F0} tok/s");
            };
            job.Evaluated += p => Console.WriteLine($"eval step {p.Step}: held-out perplexity {p.DomainTest:F3}");
            var final = job.Run(ctrlC.Token);
            AnsiConsole.MarkupLine($"saved {Markup.Escape(s.Out)}: general test perplexity {final.DomainTest:F3}");
            return 0;
        }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine(e.Message);
            return 130;
        }
    }
}
