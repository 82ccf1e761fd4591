using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class DemoSettings : CommandSettings
{
    [CommandOption("--model <DIR>")] [Description("base model; default: the embedded models/base")]
    public string? Model { get; init; }
    [CommandOption("--data-dir <DIR>")] [Description("corpora folder; default: the embedded data/")]
    public string? DataDir { get; init; }
    [CommandOption("--out <DIR>")] [DefaultValue("runs/demo")] public string Out { get; init; } = "runs/demo";
    [CommandOption("--overwrite")] public bool Overwrite { get; init; }
    [CommandOption("--domains <LIST>")] [DefaultValue("bible,jargon,devil")] public string Domains { get; init; } = "bible,jargon,devil";
    [CommandOption("--taus <LIST>")] [DefaultValue("0.1,0.25")] public string Taus { get; init; } = "0.1,0.25";
    [CommandOption("--samples <N>")] [DefaultValue(500)] public int Samples { get; init; } = 500;
    [CommandOption("--steps <N>")] [Description("steps per run, the same for every method; 0 uses --epochs")] [DefaultValue(100)]
    public int Steps { get; init; } = 100;
    [CommandOption("--epochs <E>")] [DefaultValue(3.0)] public double Epochs { get; init; } = 3;
    [CommandOption("--evaluations <N>")] [Description("evaluations per run, dense early")] [DefaultValue(5)] public int Evaluations { get; init; } = 5;
    [CommandOption("--lr <LR>")] [DefaultValue(1e-3)] public double LearningRate { get; init; } = 1e-3;
    [CommandOption("--context <N>")] [DefaultValue(128)] public int Context { get; init; } = 128;
    [CommandOption("--seed <S>")] [DefaultValue(0)] public int Seed { get; init; }
    [CommandOption("--threads <N>")] [Description("threads per run; 0: the cores shared among the workers")] [DefaultValue(0)] public int Threads { get; init; }
    [CommandOption("--workers <N>")] [Description("runs trained at once; 0: one per core (at most one per run)")] [DefaultValue(0)] public int Workers { get; init; }
    [CommandOption("--verbose")] public bool Verbose { get; init; }

    public override ValidationResult Validate() => Samples > 0 ? ValidationResult.Success() : ValidationResult.Error("--samples must be positive");
}
