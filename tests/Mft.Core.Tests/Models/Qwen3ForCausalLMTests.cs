using System.Text.Json.Nodes;
using Mft.Models.Llama;
using Mft.Tests.Reference;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Mft.Tests.Models;

public sealed class Qwen3ForCausalLMTests(ITestOutputHelper output)
{
    private static readonly int[] Ids = [1, 5, 17, 3, 60, 8, 8, 42, 0, 9];

    public static TheoryData<string, string> Variants() => new()
    {
        { "GQA, head_dim 12 != 32/4, untied", TinyModels.Qwen3Json(heads: 4, kvHeads: 2, headDim: 12) },
        { "MHA, head_dim 6, tied", TinyModels.Qwen3Json(heads: 4, kvHeads: 4, headDim: 6, tied: true) },
        { "attention_bias on q, k, v and o, MQA", TinyModels.Qwen3Json(heads: 4, kvHeads: 1, attentionBias: true) },
        { "use_sliding_window 4 from layer 1 (max_window_layers)", TinyModels.Qwen3Json(slidingWindow: 4, maxWindowLayers: 1) },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Should_match_naive_reference_forward(string name, string json)
    {
        // Given
        using var model = TinyModels.Random(json);
        var c = (LlamaConfig)model.Config;
        var sliding = Enumerable.Range(0, c.NumLayers).Select(c.IsSliding).ToArray();
        var spec = new NaiveTransformer.LlamaSpec(c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.RmsNormEps, c.RopeTheta,
            c.TieWordEmbeddings, c.SlidingWindow, QkNorm: true, SlidingLayers: sliding);
        // When
        var expected = NaiveTransformer.Llama(TinyModels.Weights(model), Ids, spec);
        using var _ = no_grad();
        var actual = NaiveTransformer.Mat(model.Forward(tensor(Ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0]);
        // Then
        Assert.Equal(c.VocabSize, expected.GetLength(1));
        output.WriteLine($"qwen3 {name}: max |diff| vs float64 reference = {TensorAssert.Close(expected, actual, 1e-5, name):E2}");
    }

    [Fact]
    public void Should_read_qwen3_options_and_name_its_parameters_as_hugging_face()
    {
        using var model = TinyModels.Random(TinyModels.Qwen3Json(attentionBias: true, slidingWindow: 4, maxWindowLayers: 1));
        var c = (LlamaConfig)model.Config;
        Assert.Equal("Qwen3ForCausalLM", c.Architecture);
        Assert.Equal(12, c.HeadDim);
        Assert.Equal(new[] { false, true }, Enumerable.Range(0, 2).Select(c.IsSliding));
        var w = TinyModels.Weights(model);
        Assert.Equal(new long[] { 12 }, w["model.layers.0.self_attn.q_norm.weight"].shape);
        Assert.Equal(new long[] { 12 }, w["model.layers.1.self_attn.k_norm.weight"].shape);
        Assert.Equal(new long[] { 48, 32 }, w["model.layers.0.self_attn.q_proj.weight"].shape);
        Assert.Equal(new long[] { 32, 48 }, w["model.layers.0.self_attn.o_proj.weight"].shape);
        Assert.Contains("model.layers.0.self_attn.o_proj.bias", w.Keys);
        Assert.Contains("lm_head.weight", w.Keys);
        Assert.DoesNotContain(w.Keys, k => k.Contains("feedforward"));
        // A fresh model's norms are ones, as Qwen3RMSNorm starts
        using var fresh = Mft.Models.ModelFactory.Create(TinyModels.Config(TinyModels.Qwen3Json()));
        Assert.True(TinyModels.Weights(fresh)["model.layers.0.self_attn.q_norm.weight"].eq(1).all().item<bool>());
    }

    [Fact]
    public void Should_take_qwen3_defaults_for_keys_the_config_leaves_out()
    {
        var json = (JsonObject)JsonNode.Parse(TinyModels.Qwen3Json())!;
        foreach (var key in new[] { "head_dim", "tie_word_embeddings", "rope_theta", "use_sliding_window", "hidden_act" }) json.Remove(key);
        var c = (LlamaConfig)Mft.Models.ModelConfig.Parse(json, "test/config.json");
        Assert.Equal(128, c.HeadDim);
        Assert.False(c.TieWordEmbeddings);
        Assert.Equal(10000.0, c.RopeTheta);
        Assert.Null(c.SlidingWindow);
    }

    public static TheoryData<string, string, string> Refused() => new()
    {
        { "hidden_act", "\"gelu\"", "hidden_act" },
        { "rope_scaling", """{"rope_type": "yarn", "factor": 4.0}""", "rope_scaling" },
        { "rope_parameters", """{"rope_type": "default", "rope_theta": 1000000.0}""", "rope_parameters" },
        { "layer_types", """["full_attention", "sliding_attention"]""", "use_sliding_window" },
        { "layer_types", """["full_attention"]""", "layer_types" },
        { "head_dim", "7", "head_dim" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Should_refuse_unsupported_options_naming_config_json_and_the_key(string key, string value, string named)
    {
        var json = (JsonObject)JsonNode.Parse(TinyModels.Qwen3Json())!;
        json[key] = JsonNode.Parse(value);
        var e = Assert.Throws<MftException>(() => Mft.Models.ModelConfig.Parse(json, "some/dir/config.json"));
        Assert.Contains("some/dir/config.json", e.Message);
        Assert.Contains(named, e.Message);
    }
}
