using Mft.Export.Gguf;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary><c>mft export</c>: a model (with an adapter merged) to a GGUF file for llama.cpp, LLamaSharp and Ollama.</summary>
public sealed class ExportCommand : Command<ExportSettings>
{
    public override int Execute(CommandContext context, ExportSettings s, CancellationToken cancellationToken)
    {
        foreach (var (value, flag) in new[] { (s.Model, "--model"), (s.Out, "--out") })
            if (string.IsNullOrWhiteSpace(value)) throw new MftException($"{flag} is required");
        if (s.Format != "gguf") throw new MftException($"--format: '{s.Format}' is not an export format (gguf)");
        var result = GgufExport.Run(new GgufExportOptions
        {
            ModelDirectory = s.Model,
            OutputFile = s.Out,
            FileType = GgufFileTypes.Parse(s.Dtype),
            AdapterDirectory = s.Adapter,
            ChatTemplateFile = s.ChatTemplate,
            WriteModelfile = !s.NoModelfile,
            Overwrite = s.Overwrite,
        });
        foreach (var note in result.Notes) AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(result.GgufFile)}[/] ({result.Architecture}, {result.TensorCount} tensors, {result.Bytes / 1e6:F1} MB)");
        if (result.Modelfile is not null) AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(result.Modelfile)}[/] (Ollama: ollama create NAME -f {Markup.Escape(result.Modelfile)})");
        return 0;
    }
}
