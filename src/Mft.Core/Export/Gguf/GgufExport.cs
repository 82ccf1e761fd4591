using Mft.Runtime;
using Mft.Adapters;
using Mft.Models;
using Mft.Models.Gpt2;
using Mft.Models.Llama;

namespace Mft.Export.Gguf;

/// <summary>What <c>mft export --format gguf</c> is asked to do.</summary>
public sealed record GgufExportOptions
{
    [Option("model", Help = "the Hugging Face model directory to export (a base model or a tuned one)", Value = "DIR")]
    public required string ModelDirectory { get; init; }
    /// <summary>A PEFT adapter trained on the model, merged into it before export.</summary>
    [Option("adapter", Help = "a PEFT adapter trained on the model, merged before export", Value = "DIR")]
    public string? AdapterDirectory { get; init; }
    [Option("out", Help = "the .gguf file to write; an Ollama Modelfile is written beside it", Value = "FILE")]
    public required string OutputFile { get; init; }
    [Option("dtype", Help = "weight matrices as f32, f16 or q8_0 (norms and biases stay f32)")]
    public GgufFileType FileType { get; init; } = GgufFileType.F16;
    /// <summary>A chat template to write instead of the model's own (as <c>chat_template</c> elsewhere).</summary>
    [Option("chat_template", Help = "a chat template to store instead of the model's own", Value = "FILE")]
    public string? ChatTemplateFile { get; init; }
    /// <summary>Also write an Ollama <c>Modelfile</c> beside the GGUF.</summary>
    public bool WriteModelfile { get; init; } = true;
    /// <summary><see cref="WriteModelfile"/> as a switch.</summary>
    [Option("no_modelfile", Help = "do not write the Ollama Modelfile")]
    public bool NoModelfile { get => !WriteModelfile; init => WriteModelfile = !value; }
    [Option("overwrite", Help = "replace an existing output file")]
    public bool Overwrite { get; init; }

    public void Validate()
    {
        OptionException.RequireGiven(("model", ModelDirectory), ("out", OutputFile));
        if (!OutputFile.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            throw new OptionException("out", $"'{OutputFile}': a GGUF file name ends in .gguf");
    }
}

/// <summary>What an export wrote.</summary>
public sealed record GgufExportResult(string GgufFile, string? Modelfile, string Architecture, int TensorCount, long Bytes, IReadOnlyList<string> Notes);

/// <summary>
/// A Hugging Face model directory (and optionally an adapter, merged first) to one GGUF file that llama.cpp, and so
/// LLamaSharp and Ollama, load: architecture metadata, the tokenizer, the chat template, and the weights as fp32,
/// fp16 or Q8_0. Everything is read and checked before the output is touched.
/// </summary>
public static class GgufExport
{
    public static GgufExportResult Run(GgufExportOptions o)
    {
        o.Validate();
        var modelfile = o.WriteModelfile ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(o.OutputFile))!, OllamaModelfile.FileName) : null;
        foreach (var path in new[] { o.OutputFile, modelfile })
            if (path is not null && File.Exists(path) && !o.Overwrite)
                throw MftException.NamingOptions($"{path}: already exists; pass {{overwrite}} to replace it");

        using var jobScope = TorchRuntime.JobScope();
        using var pretrained = PretrainedModel.Open(o.ModelDirectory, "cpu", o.ChatTemplateFile);
        var model = pretrained.Model;
        if (o.AdapterDirectory is not null)
        {
            PeftAdapterFiles.Load(model, o.AdapterDirectory);
            ModelAdapters.Merge(model);
        }
        var notes = new List<string>();
        var vocabulary = GgufVocabulary.Read(o.ModelDirectory, model.Config.VocabSize, notes.Add);
        var metadata = new GgufMetadata();
        var source = new GgufTensorSource(model, o.FileType);
        var arch = model.Config switch
        {
            LlamaConfig l => LlamaGgufLayout.ArchitectureOf(l),
            Gpt2Config => Gpt2GgufLayout.Architecture,
            var other => throw new MftException($"{other.SourcePath}: {other.Architecture} cannot be exported to GGUF"),
        };
        metadata.String("general.architecture", arch)
                .String("general.name", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(o.ModelDirectory))))
                .UInt32("general.file_type", (uint)o.FileType)
                .UInt32("general.quantization_version", 2);
        var tensors = model.Config switch
        {
            LlamaConfig l => LlamaGgufLayout.Describe(l, source, metadata, notes.Add),
            Gpt2Config g => Gpt2GgufLayout.Describe(g, source, metadata),
            _ => throw new InvalidOperationException(),
        };
        var unused = source.Unused.Where(n => !(model.Config.TieWordEmbeddings && n == "lm_head.weight")).ToList();
        if (unused.Count > 0) throw new InvalidOperationException($"GGUF layout of {arch} leaves out {string.Join(", ", unused)}");

        var special = pretrained.Tokenizer.Special;
        if (special.EosId is null && model.Config.EosTokenIds.Count > 0) special = special with { EosId = model.Config.EosTokenIds[0] };
        if (special.BosId is null && model.Config.BosTokenId is int b) special = special with { BosId = b };
        vocabulary.WriteTo(metadata, special);
        var chat = pretrained.Chat;
        if (chat is not null) metadata.String("tokenizer.chat_template", chat.Template.Source);

        GgufWriter.Write(o.OutputFile, metadata, tensors);
        if (modelfile is not null)
            Checkpoints.AtomicFile.WriteAllText(modelfile, OllamaModelfile.Render(Path.GetFileName(o.OutputFile), vocabulary, special, chat));
        return new GgufExportResult(o.OutputFile, modelfile, arch, tensors.Count, new FileInfo(o.OutputFile).Length, notes);
    }
}
