using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class PerplexitySettings : ComputeSettings
{
    [CommandOption("--model <DIR>")]
    public string Model { get; init; } = "";

    [CommandOption("--data <FILE>")]
    [Description("text (documents separated by blank lines) or JSONL (text, or prompt + completion)")]
    public string Data { get; init; } = "";

    [CommandOption("--context <N>")]
    [Description("window length in tokens; 0 uses the model's maximum positions")]
    [DefaultValue(0)]
    public int Context { get; init; }

    [CommandOption("--stride <N>")]
    [Description("window step for long documents; 0 uses half the context")]
    [DefaultValue(0)]
    public int Stride { get; init; }

    [CommandOption("--batch-size <N>")]
    [DefaultValue(8)]
    public int BatchSize { get; init; } = 8;

    [CommandOption("--max-documents <N>")]
    [Description("score only the first N documents")]
    public int? MaxDocuments { get; init; }

    [CommandOption("--chat-template <FILE>")]
    [Description("chat template for \"messages\" data (Jinja, or JSON with chat_template) instead of the model's own")]
    public string? ChatTemplate { get; init; }

    [CommandOption("--lines")]
    [Description("treat every line of a text file as a document")]
    public bool Lines { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required");
        if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required");
        if (Context < 0 || Stride < 0) return ValidationResult.Error("--context and --stride must be >= 0");
        if (BatchSize <= 0) return ValidationResult.Error("--batch-size must be positive");
        return ValidationResult.Success();
    }
}
