using System.ComponentModel;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary>
/// mft demo's options: each one given sets a key of the embedded sweeps/demo.yaml (<see cref="Mft.Demo.DemoPreset.Keys"/>),
/// parsed and checked by mft train's schema; each one left out keeps the file's value.
/// </summary>
public sealed class DemoSettings : CommandSettings
{
    [CommandOption("--model <DIR>")] [Description("base model; default: the embedded models/base")]
    public string? Model { get; init; }
    [CommandOption("--data-dir <DIR>")] [Description("corpora folder; default: the embedded data/")]
    public string? DataDir { get; init; }
    [CommandOption("--out <DIR>")] [Description("output folder; the same demo there continues where it stopped")] [DefaultValue("runs/demo")]
    public string Out { get; init; } = "runs/demo";
    [CommandOption("--overwrite")] [Description("replace an output folder that holds another demo or sweep")] public bool Overwrite { get; init; }
    [CommandOption("--domains <LIST>")] [Description("the grid's domains (comma-separated); default: sweeps/demo.yaml's")] public string? Domains { get; init; }
    [CommandOption("--taus <LIST>")] [Description("one MFT run per tau, beside finetuning; default: sweeps/demo.yaml's methods")] public string? Taus { get; init; }
    [CommandOption("--samples <N>")] [Description("training samples per domain (max_samples); default: sweeps/demo.yaml's")] public string? Samples { get; init; }
    [CommandOption("--steps <N>")] [Description("steps per run, the same for every method (max_steps); default: sweeps/demo.yaml's")] public string? Steps { get; init; }
    [CommandOption("--evaluations <N>")] [Description("evaluations per run, dense early; default: sweeps/demo.yaml's")] public string? Evaluations { get; init; }
    [CommandOption("--lr <LR>")] [Description("learning rate of every method; default: sweeps/demo.yaml's")] public string? LearningRate { get; init; }
    [CommandOption("--context <N>")] [Description("tokens per training row; default: sweeps/demo.yaml's")] public string? Context { get; init; }
    [CommandOption("--seed <S>")] [Description("the one seed; default: sweeps/demo.yaml's")] public string? Seed { get; init; }
    [CommandOption("--precision <P>")] [Description("fp32, bf16 or auto for every run (bf16: products in bf16 as PyTorch's CPU autocast); default: sweeps/demo.yaml's")] public string? Precision { get; init; }
    [CommandOption("--device <DEVICE>")] [Description("cpu, cuda or cuda:N for every run (CUDA needs the TorchSharp-cuda build)")] [DefaultValue("cpu")] public string Device { get; init; } = "cpu";
    [CommandOption("--threads <N>")] [Description("threads per run; 0: the cores shared among the workers")] [DefaultValue(0)] public int Threads { get; init; }
    [CommandOption("--workers <N>")] [Description("runs trained at once; 0: one per core (at most one per run)")] [DefaultValue(0)] public int Workers { get; init; }

    /// <summary>The demo's options given, by their names in <see cref="Mft.Demo.DemoPreset.Keys"/> (and taus).</summary>
    public IEnumerable<KeyValuePair<string, string>> Given() =>
        new (string Name, string? Value)[]
        {
            ("model", Model), ("data_dir", DataDir), ("domains", Domains), ("taus", Taus), ("samples", Samples), ("steps", Steps),
            ("evaluations", Evaluations), ("lr", LearningRate), ("context", Context), ("seed", Seed), ("precision", Precision),
        }.Where(o => o.Value is not null).Select(o => KeyValuePair.Create(o.Name, o.Value!));
}
