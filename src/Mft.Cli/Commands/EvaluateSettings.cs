using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class EvaluateSettings : ComputeSettings
{
    [CommandOption("--base <DIR>")] public string Base { get; init; } = "";
    [CommandOption("--tuned <DIR>")] public string Tuned { get; init; } = "";
    [CommandOption("--data <FILE>")] [Description("domain test data (used whole)")]
    public string Data { get; init; } = "";
    [CommandOption("--general <FILE>")] [Description("general test data (used whole)")]
    public string? General { get; init; }
    [CommandOption("--context <N>")] [DefaultValue(256)] public int Context { get; init; } = 256;
    [CommandOption("--batch-size <N>")] [DefaultValue(8)] public int BatchSize { get; init; } = 8;
    [CommandOption("--lines")] public bool Lines { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Base) || string.IsNullOrWhiteSpace(Tuned)) return ValidationResult.Error("--base and --tuned are required");
        if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required");
        if (Context < 2 || BatchSize < 1) return ValidationResult.Error("--context must be >= 2 and --batch-size >= 1");
        return ValidationResult.Success();
    }
}
