using Mft.Data;
using Mft.Runtime;

namespace Mft.Jobs;

/// <summary><c>mft evaluate</c>'s options: a base and a tuned model measured on the same domain (and general) test files, and on multiple-choice tasks.</summary>
public sealed record EvaluateJobConfig
{
    [Option("base", Help = "the base model directory", Value = "DIR")]
    public required string BaseDirectory { get; init; }
    [Option("tuned", Help = "the tuned model directory (a run's model/, or any model)", Value = "DIR")]
    public required string TunedDirectory { get; init; }
    [Option("data", Help = "domain test data: text or JSONL (used whole); required unless {tasks} is given", Value = "FILE")]
    public string? DataPath { get; init; }
    [Option("general", Help = "general test data (used whole)", Value = "FILE")]
    public string? GeneralPath { get; init; }
    [Option("tasks", Help = "multiple-choice task files (JSONL lines: context, choices, gold), comma-separated: acc and acc_norm of both models on each", Value = "FILES")]
    public IReadOnlyList<string> TaskPaths { get; init; } = [];
    [Option("context", Help = "window length in tokens; a task's (context, choice) sequence longer than it loses tokens from the left")]
    public int ContextLength { get; init; } = 256;
    [Option("batch_size", Help = "windows (tasks: sequences) per batch")]
    public int BatchSize { get; init; } = 8;
    public TextSplit TextSplit { get; init; } = TextSplit.BlankLines;
    /// <summary><see cref="TextSplit"/> as a switch: one document per line.</summary>
    [Option("lines", Help = "one document per line in text files (default: documents separated by blank lines)")]
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Lines { get => TextSplit == TextSplit.Lines; init => TextSplit = value ? TextSplit.Lines : TextSplit.BlankLines; }
    [Option("chat_template", Help = "chat template for \"messages\" data (Jinja, or JSON with chat_template) instead of each model's own", Value = "FILE")]
    public string? ChatTemplatePath { get; init; }
    [OptionGroup] public ComputeOptions Compute { get; init; } = new();

    public void Validate()
    {
        OptionException.RequireGiven(("base", BaseDirectory), ("tuned", TunedDirectory));
        if (DataPath is null && TaskPaths.Count == 0) throw new OptionException("data", "is required (or give {tasks})");
        if (GeneralPath is not null && DataPath is null) throw new OptionException("general", "needs {data} (the domain test data it is compared with)");
        if (ContextLength < 2) throw new OptionException("context", $"must be >= 2, got {ContextLength}");
        if (BatchSize < 1) throw new OptionException("batch_size", $"must be positive, got {BatchSize}");
        Compute.Validate();
    }
}
