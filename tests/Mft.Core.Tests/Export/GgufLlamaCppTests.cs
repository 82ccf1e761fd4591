using System.Text.Json;
using Mft.Data;
using Mft.Evaluation;
using Mft.Export.Gguf;
using Mft.Generation;
using Mft.Models;
using Mft.Tests.Reference;
using Mft.Tokenization;
using Xunit.Abstractions;

namespace Mft.Tests.Export;

/// <summary>
/// Exported GGUF files loaded by llama.cpp (LLamaSharp 0.30.0), for the embedded base model and an MFT-tuned copy:
/// llama.cpp tokenizes as Mft does, continues greedily as Mft does in f32 and f16, and in q8_0 agrees on the first
/// tokens and on perplexity within 1%.
/// </summary>
public sealed class GgufLlamaCppTests(GgufExportFixture fx, ITestOutputHelper output) : IClassFixture<GgufExportFixture>
{
    public static readonly string[] Texts =
    [
        "The history of the world", "In the beginning God created the heaven and the earth.", "", " ", "  two  spaces", "trailing space ",
        "line one\nline two\n\n\nthree", "tabs\tand\r\nwindows newlines", "don't won't I'm they're we've he'll she'd",
        "Numbers: 1 12 123 1234 12345 3.14159 1,000,000", "naïve café résumé Ωmega", "中文字符 日本語 한국어", "emoji 🎉🚀 done",
        "punctuation!!! ??? ... --- ***", "<|endoftext|>after a document break", "x<|endoftext|>y", "UPPER lower MiXeD",
        "    indented code {\n        return x;\n    }", "a\u00a0non-breaking space", "ǅ ﬁ ligatures", "'quoted' \"double\" `tick`",
    ];

    [Fact]
    public void Should_tokenize_as_mft_does()
    {
        // Given the exported embedded model in llama.cpp, and Mft's tokenizer for the same model
        using var llama = new LlamaCpp(fx.File("base", GgufFileType.F32));
        using var mft = PretrainedModel.Open(fx.BaseModel);

        // Then every text gets the same ids, bos included as the tokenizer config says
        foreach (var text in Texts)
        {
            var expected = mft.Tokenizer.EncodeForModel(text);
            var actual = llama.Tokenize(text);
            Assert.True(expected.SequenceEqual(actual), $"{JsonSerializer.Serialize(text)}: Mft {JsonSerializer.Serialize(expected)}, llama.cpp {JsonSerializer.Serialize(actual)}");
        }
        Assert.Equal(mft.Model.Config.VocabSize, llama.VocabSize);
    }

    public static TheoryData<string, string> GreedyCases() => new() { { "base", "f32" }, { "base", "f16" }, { "tuned", "f32" }, { "tuned", "f16" } };

    [Theory]
    [MemberData(nameof(GreedyCases))]
    public void Should_continue_greedily_as_mft_does(string model, string dtype)
    {
        // Given a model in Mft and its GGUF export in llama.cpp
        using var mft = PretrainedModel.Open(fx.Model(model));
        using var llama = new LlamaCpp(fx.File(model, GgufFileTypes.Parse(dtype)));
        foreach (var prompt in new[] { "The history of", "And the LORD said unto", "It was a dark and stormy night; the" })
        {
            // When both continue the prompt greedily for 32 tokens
            var ids = mft.Tokenizer.EncodeForModel(prompt);
            var expected = TextGenerator.Generate(mft.Model, ids, new GenerationOptions { Temperature = 0, MaxNewTokens = 32, StopAtEos = false });
            var actual = llama.Greedy(ids, 32);

            // Then the continuations are identical
            Assert.True(expected.SequenceEqual(actual), $"{model} {dtype} \"{prompt}\": Mft {JsonSerializer.Serialize(expected)}, llama.cpp {JsonSerializer.Serialize(actual)}");
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("tuned")]
    public void Should_keep_q8_0_within_one_percent_of_mft_perplexity(string model)
    {
        // Given the model in Mft (fp32) and its q8_0 export in llama.cpp
        using var mft = PretrainedModel.Open(fx.Model(model));
        using var llama = new LlamaCpp(fx.File(model, GgufFileType.Q8_0));

        // Then greedy continuations agree on their first 8 tokens
        foreach (var prompt in new[] { "The history of", "And the LORD said unto" })
        {
            var ids = mft.Tokenizer.EncodeForModel(prompt);
            var expected = TextGenerator.Generate(mft.Model, ids, new GenerationOptions { Temperature = 0, MaxNewTokens = 8, StopAtEos = false });
            Assert.Equal(expected, llama.Greedy(ids, 8));
        }

        // And the perplexity of held-out text through llama.cpp's logits is within 1% of mft perplexity's
        var samples = SampleReader.Read(fx.HeldOutText, TextSplit.BlankLines).Take(40).ToList();
        var windows = Perplexity.WindowsOf(mft.Tokenizer, samples, context: 512);
        var reference = Perplexity.Evaluate(mft.Model, windows, batchSize: 8);
        double total = 0;
        long count = 0;
        foreach (var w in windows)
        {
            var logits = llama.Logits(w.Ids);
            for (int i = 1; i < w.Ids.Length; i++)
                if (w.ScoreMask[i] != 0) { total += LlamaCpp.Nll(logits[i - 1], w.Ids[i]); count++; }
        }
        Assert.Equal(reference.Tokens, count);
        double llamaPpl = Math.Exp(total / count);
        output.WriteLine($"{model}: {count} tokens, mft perplexity {reference.Perplexity:F4}, llama.cpp q8_0 {llamaPpl:F4} ({(llamaPpl / reference.Perplexity - 1) * 100:+0.000;-0.000}%)");
        Assert.InRange(llamaPpl / reference.Perplexity, 0.99, 1.01);
    }
}
