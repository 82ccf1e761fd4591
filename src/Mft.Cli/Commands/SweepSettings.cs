using System.ComponentModel;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class SweepSettings : ComputeSettings
{
    [CommandOption("--config <FILE>")] [Description("sweep YAML: methods, domains, budgets, seeds (see sweeps/embedded.yaml)")]
    public string Config { get; init; } = "";
    [CommandOption("--out <DIR>")] [Description("output folder; run again with the same config to resume")] [DefaultValue("runs/sweep")]
    public string Out { get; init; } = "runs/sweep";
    [CommandOption("--overwrite")] [Description("replace a folder that holds a sweep with another config")]
    public bool Overwrite { get; init; }
}
