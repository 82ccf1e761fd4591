using Mft.Export.Gguf;
using Mft.Models;
using Mft.Tests.Reference;
using Mft.Tokenization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Mft.Tests.Export;

/// <summary>
/// Every architecture Mft exports, as random models whose every weight matters (norms and biases too), loaded by
/// llama.cpp: its logits at every position equal Mft's. This checks the tensor names, llama.cpp's q/k row order for
/// Llama, Gemma's norm offset, GPT-2's transposed weights, llama3 rope scaling and Gemma 3's sliding layers.
/// </summary>
public sealed class GgufArchitectureTests(ITestOutputHelper output)
{
    private static string Embedded => Mft.Cli.EmbeddedAssets.Find(Path.Combine("models", "base"), "config.json");

    /// <summary>Six layers with Gemma 3's own pattern (every 6th global), local RoPE base 10000, scale 1/sqrt(head_dim).</summary>
    private static string Gemma3ForLlamaCpp() => TinyModels.Gemma3Json(vocab: 4096, layers: 6, window: 4,
            layerTypes: "[\"sliding_attention\",\"sliding_attention\",\"sliding_attention\",\"sliding_attention\",\"sliding_attention\",\"full_attention\"]")
        .Replace("\"rope_local_base_freq\": 100.0", "\"rope_local_base_freq\": 10000.0")
        .Replace("\"query_pre_attn_scalar\": 24", "\"query_pre_attn_scalar\": 16");

    private const string Llama3Rope =
        "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 16}, ";

    public static TheoryData<string> Architectures() =>
        ["llama", "llama-tied-bias", "llama3-rope", "mistral", "qwen2", "qwen3", "gemma3", "gpt2"];

    private static string ConfigOf(string name) => name switch
    {
        "llama" => TinyModels.LlamaJson(vocab: 4096),
        "llama-tied-bias" => TinyModels.LlamaJson(vocab: 4096, tied: true, attentionBias: true),
        "llama3-rope" => TinyModels.LlamaJson(vocab: 4096).Replace("\"rope_theta\"", Llama3Rope + "\"rope_theta\""),
        "mistral" => TinyModels.LlamaJson("mistral", vocab: 4096, slidingWindow: 32),
        "qwen2" => TinyModels.LlamaJson("qwen2", vocab: 4096),
        "qwen3" => TinyModels.Qwen3Json(vocab: 4096),
        "gemma3" => Gemma3ForLlamaCpp(),
        "gpt2" => TinyModels.Gpt2Json(vocab: 4096),
        _ => throw new ArgumentException(name),
    };

    /// <summary>A random model directory with the embedded model's tokenizer (4096 tokens).</summary>
    internal static string RandomModelDirectory(string json, string name)
    {
        var dir = TempDir.Create("gguf-" + name);
        using var model = TinyModels.Random(json);
        ModelFactory.Save(model, dir, Embedded);
        return dir;
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Should_give_llama_cpp_the_logits_mft_computes(string name)
    {
        // Given a random model of this architecture, exported as f32
        var dir = RandomModelDirectory(ConfigOf(name), name);
        var file = Path.Combine(dir, "model.gguf");
        var result = GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = file, FileType = GgufFileType.F32 });

        // When Mft and llama.cpp run the same 20 tokens (longer than Gemma's sliding window of 4)
        using var mft = PretrainedModel.Open(dir);
        int[] ids = mft.Tokenizer.EncodeForModel("In the beginning God created the heaven and the earth. And the earth was without form, and void; and darkness was upon the face of the deep.")[..20];
        float[][] expected;
        using (NewDisposeScope())
        {
            using var _ = no_grad();
            var logits = mft.Model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0];   // (T, V)
            expected = Enumerable.Range(0, ids.Length).Select(t => logits[t].data<float>().ToArray()).ToArray();
        }
        using var llama = new LlamaCpp(file, contextSize: 32, f32Cache: true);
        var actual = llama.Logits(ids);

        // Then every position's logits agree to fp32 rounding, relative to the logits' scale; ggml computes GELU through an
        // fp16 table, which alone moves GPT-2's and Gemma's logits by a few 1e-4 of their scale (a wrong layout moves them by O(1))
        double tolerance = name is "gpt2" or "gemma3" ? 1e-3 : 2e-5;
        double scale = expected.Max(r => r.Max(Math.Abs)), worst = 0;
        for (int t = 0; t < ids.Length; t++)
            for (int v = 0; v < expected[t].Length; v++)
                worst = Math.Max(worst, Math.Abs(expected[t][v] - actual[t][v]));
        output.WriteLine($"{name} ({result.Architecture}): max |logit difference| {worst:E2} for logits up to {scale:F2}");
        Assert.True(worst <= tolerance * scale, $"{name}: max |logit difference| {worst} for logits up to {scale}");
        Assert.Equal(result.Architecture, llama.Metadata("general.architecture"));
    }

    [Fact]
    public void Should_reorder_query_rows_into_interleaved_pairs()
    {
        // Given q rows numbered 0..15 for 2 heads of head_dim 8: per head, halves x0..x3 and y0..y3
        var rows = arange(16, ScalarType.Float32).unsqueeze(1);                              // (16, 1)

        // When reordered for llama.cpp
        var reordered = LlamaGgufLayout.InterleavePairs(rows, heads: 2).squeeze(1).data<float>().ToArray();

        // Then each head reads x0, y0, x1, y1, … (a naive statement of the layout)
        var expected = new List<float>();
        for (int h = 0; h < 2; h++)
            for (int j = 0; j < 4; j++) { expected.Add(h * 8 + j); expected.Add(h * 8 + 4 + j); }
        Assert.Equal(expected, reordered);
    }
}
