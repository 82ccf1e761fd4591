using Mft.Export.Gguf;

namespace Mft.Cli.Commands;

/// <summary><c>mft export</c>'s options: the format to write, and that exporter's library record (<see cref="GgufExportOptions"/>).</summary>
public sealed record ExportOptions
{
    [Option("format", Help = "gguf (llama.cpp, LLamaSharp, Ollama)", Value = "FORMAT")]
    public string Format { get; init; } = "gguf";
    [OptionGroup] public GgufExportOptions Gguf { get; init; } = null!;
}
