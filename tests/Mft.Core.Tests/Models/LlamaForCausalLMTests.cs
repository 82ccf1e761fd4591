using Mft.Models.Llama;
using Mft.Tests.Reference;
using static TorchSharp.torch;

namespace Mft.Tests.Models;

public sealed class LlamaForCausalLMTests
{
    private static readonly int[] Ids = [1, 5, 17, 3, 60, 8, 8, 42, 0, 9];

    /// <summary>Qwen2 with use_sliding_window: layers from max_window_layers (1) on slide, as Qwen2Config's layer_types say.</summary>
    private static readonly string Qwen2Sliding = TinyModels.LlamaJson("qwen2", slidingWindow: 4)
        .Replace("\"sliding_window\"", "\"use_sliding_window\": true, \"max_window_layers\": 1, \"sliding_window\"");

    public static TheoryData<string, string> Variants() => new()
    {
        { "llama GQA untied", TinyModels.LlamaJson("llama", heads: 4, kvHeads: 2) },
        { "llama MHA tied", TinyModels.LlamaJson("llama", heads: 4, kvHeads: 4, tied: true) },
        { "llama attention_bias", TinyModels.LlamaJson("llama", attentionBias: true) },
        { "qwen2 qkv bias, MQA", TinyModels.LlamaJson("qwen2", heads: 4, kvHeads: 1) },
        { "mistral sliding window 4", TinyModels.LlamaJson("mistral", slidingWindow: 4) },
        { "qwen2 use_sliding_window 4 from layer 1 (max_window_layers)", Qwen2Sliding },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Should_match_naive_reference_forward(string name, string json)
    {
        // Given
        using var model = TinyModels.Random(json);
        var c = (LlamaConfig)model.Config;
        var spec = new NaiveTransformer.LlamaSpec(c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.RmsNormEps, c.RopeTheta,
            c.TieWordEmbeddings, c.SlidingWindow, SlidingLayers: Enumerable.Range(0, c.NumLayers).Select(c.IsSliding).ToArray());
        // When
        var expected = NaiveTransformer.Llama(TinyModels.Weights(model), Ids, spec);
        using var _ = no_grad();
        var actual = NaiveTransformer.Mat(model.Forward(tensor(Ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0]);
        // Then
        Assert.Equal(expected.GetLength(1), c.VocabSize);
        TensorAssert.Close(expected, actual, 1e-5, name);
    }

    [Fact]
    public void Should_slide_only_the_layers_that_each_family_says()
    {
        var mistral = (LlamaConfig)TinyModels.Config(TinyModels.LlamaJson("mistral", slidingWindow: 4));
        Assert.True(mistral.IsSliding(0) && mistral.IsSliding(1));
        var qwen2 = (LlamaConfig)TinyModels.Config(Qwen2Sliding);
        Assert.Equal(new[] { false, true }, new[] { qwen2.IsSliding(0), qwen2.IsSliding(1) });
        var off = (LlamaConfig)TinyModels.Config(TinyModels.LlamaJson("qwen2", slidingWindow: 4));
        Assert.Null(off.SlidingWindow);
    }

    [Fact]
    public void Should_have_bias_parameters_exactly_where_each_family_puts_them()
    {
        using var qwen = TinyModels.Random(TinyModels.LlamaJson("qwen2"));
        var q = TinyModels.Weights(qwen).Keys.ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", q);
        Assert.Contains("model.layers.0.self_attn.v_proj.bias", q);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", q);
        using var llama = TinyModels.Random(TinyModels.LlamaJson("llama", tied: true));
        var l = TinyModels.Weights(llama).Keys.ToHashSet();
        Assert.DoesNotContain(l, k => k.EndsWith(".bias"));
        Assert.DoesNotContain("lm_head.weight", l);
        Assert.Contains("model.layers.1.post_attention_layernorm.weight", l);
    }

    [Fact]
    public void Should_not_let_future_tokens_change_earlier_logits()
    {
        // Given two sequences that share a prefix of 5 tokens
        using var model = TinyModels.Random(TinyModels.LlamaJson());
        using var _ = no_grad();
        var a = model.Forward(tensor(new long[] { 1, 2, 3, 4, 5, 6, 7 }).unsqueeze(0));
        var b = model.Forward(tensor(new long[] { 1, 2, 3, 4, 5, 50, 40 }).unsqueeze(0));
        // Then the first 5 positions agree and the later ones do not
        Assert.True(a[0, ..5].allclose(b[0, ..5], 1e-6, 1e-6));
        Assert.False(a[0, 5..].allclose(b[0, 5..], 1e-3, 1e-3));
    }
}
