using System.ComponentModel;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class MergeSettings : CommandSettings
{
    [CommandOption("--model <DIR>")] [Description("the base model the adapter was trained on")]
    public string Model { get; init; } = "";
    [CommandOption("--adapter <DIR>")] [Description("PEFT adapter folder (adapter_config.json, adapter_model.safetensors)")]
    public string Adapter { get; init; } = "";
    [CommandOption("--out <DIR>")] [Description("where to write the merged Hugging Face checkpoint")]
    public string Out { get; init; } = "";
    [CommandOption("--overwrite")] public bool Overwrite { get; init; }
    [CommandOption("--verbose")] [Description("show stack traces on errors")]
    public bool Verbose { get; init; }
}
