using Mft.Export.Gguf;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary><c>mft export</c>: a model (with an adapter merged) to a GGUF file for llama.cpp, LLamaSharp and Ollama.</summary>
public static class ExportCommand
{
    public static int Run(ExportOptions options)
    {
        if (options.Format != "gguf") throw new OptionException("format", $"'{options.Format}' is not an export format (gguf)");
        var result = GgufExport.Run(options.Gguf);
        foreach (var note in result.Notes) AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(result.GgufFile)}[/] ({result.Architecture}, {result.TensorCount} tensors, {result.Bytes / 1e6:F1} MB)");
        if (result.Modelfile is not null) AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(result.Modelfile)}[/] (Ollama: ollama create NAME -f {Markup.Escape(result.Modelfile)})");
        return 0;
    }
}
