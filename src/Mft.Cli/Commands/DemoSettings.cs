using System.ComponentModel;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary>mft demo's options: each one left out keeps the value of the embedded sweeps/demo.yaml.</summary>
public sealed class DemoSettings : CommandSettings
{
    [CommandOption("--model <DIR>")] [Description("base model; default: the embedded models/base")]
    public string? Model { get; init; }
    [CommandOption("--data-dir <DIR>")] [Description("corpora folder; default: the embedded data/")]
    public string? DataDir { get; init; }
    [CommandOption("--out <DIR>")] [Description("output folder; the same demo there continues where it stopped")] [DefaultValue("runs/demo")]
    public string Out { get; init; } = "runs/demo";
    [CommandOption("--overwrite")] [Description("replace an output folder that holds another demo or sweep")] public bool Overwrite { get; init; }
    [CommandOption("--domains <LIST>")] [Description("default: bible,jargon,devil")] public string? Domains { get; init; }
    [CommandOption("--taus <LIST>")] [Description("one MFT run per tau, beside finetuning; default: 0.1,0.25")] public string? Taus { get; init; }
    [CommandOption("--samples <N>")] [Description("training samples per domain; default: 500")] public int? Samples { get; init; }
    [CommandOption("--steps <N>")] [Description("steps per run, the same for every method; default: 100")] public int? Steps { get; init; }
    [CommandOption("--evaluations <N>")] [Description("evaluations per run, dense early; default: 5")] public int? Evaluations { get; init; }
    [CommandOption("--lr <LR>")] [Description("default: 0.001")] public double? LearningRate { get; init; }
    [CommandOption("--context <N>")] [Description("default: 128")] public int? Context { get; init; }
    [CommandOption("--seed <S>")] [Description("default: 0")] public int? Seed { get; init; }
    [CommandOption("--threads <N>")] [Description("threads per run; 0: the cores shared among the workers")] [DefaultValue(0)] public int Threads { get; init; }
    [CommandOption("--workers <N>")] [Description("runs trained at once; 0: one per core (at most one per run)")] [DefaultValue(0)] public int Workers { get; init; }
    [CommandOption("--verbose")] public bool Verbose { get; init; }
}
