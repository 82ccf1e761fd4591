using System.ComponentModel;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary>Options shared by every command that computes: where and with how many threads.</summary>
public class ComputeSettings : CommandSettings
{
    [CommandOption("--device")]
    [Description("cpu, cuda or cuda:N (CUDA needs the TorchSharp-cuda build)")]
    [DefaultValue("cpu")]
    public string Device { get; init; } = "cpu";

    [CommandOption("--threads")]
    [Description("intra-op threads; 0 keeps libtorch's default")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    [CommandOption("--verbose")]
    [Description("show stack traces on errors")]
    public bool Verbose { get; init; }
}
