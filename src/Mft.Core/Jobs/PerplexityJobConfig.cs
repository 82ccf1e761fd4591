using Mft.Data;
using Mft.Runtime;

namespace Mft.Jobs;

/// <summary><c>mft perplexity</c>'s options: a model's token-level perplexity over a text or JSONL file.</summary>
public sealed record PerplexityJobConfig
{
    [Option("model", Help = "Hugging Face model directory", Value = "DIR")]
    public required string ModelDirectory { get; init; }
    [Option("data", Help = "text (documents separated by blank lines) or JSONL (text, prompt + completion, or messages)", Value = "FILE")]
    public required string DataPath { get; init; }
    [Option("context", Help = "window length in tokens; 0 uses the model's maximum positions")]
    public int ContextLength { get; init; }
    [Option("stride", Help = "window step for long documents; 0 uses half the context")]
    public int Stride { get; init; }
    [Option("batch_size", Help = "windows per batch")]
    public int BatchSize { get; init; } = 8;
    [Option("max_documents", Help = "score only the first N documents")]
    public int? MaxDocuments { get; init; }
    [Option("chat_template", Help = "chat template for \"messages\" data (Jinja, or JSON with chat_template) instead of the model's own", Value = "FILE")]
    public string? ChatTemplatePath { get; init; }
    public TextSplit TextSplit { get; init; } = TextSplit.BlankLines;
    /// <summary><see cref="TextSplit"/> as a switch: one document per line.</summary>
    [Option("lines", Help = "one document per line in text files (default: documents separated by blank lines)")]
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Lines { get => TextSplit == TextSplit.Lines; init => TextSplit = value ? TextSplit.Lines : TextSplit.BlankLines; }
    [OptionGroup] public ComputeOptions Compute { get; init; } = new();

    public void Validate()
    {
        OptionException.RequireGiven(("model", ModelDirectory), ("data", DataPath));
        if (ContextLength < 0) throw new OptionException("context", $"must be >= 0, got {ContextLength}");
        if (Stride < 0) throw new OptionException("stride", $"must be >= 0, got {Stride}");
        if (BatchSize < 1) throw new OptionException("batch_size", $"must be positive, got {BatchSize}");
        if (MaxDocuments < 1) throw new OptionException("max_documents", $"must be positive, got {MaxDocuments}");
        Compute.Validate();
    }
}
