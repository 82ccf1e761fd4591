using System.Text.Json.Nodes;
using Mft.Models;
using Mft.Models.Llama;
using Mft.Tests.Reference;
using Xunit.Abstractions;
using Mft.Models.Layers;
using static TorchSharp.torch;

namespace Mft.Tests.Models;

public sealed class Gemma3ForCausalLMTests(ITestOutputHelper output)
{
    // 12 tokens: well past the window of 4, so sliding layers see fewer keys than global ones
    private static readonly int[] Ids = [2, 5, 17, 3, 60, 8, 8, 42, 0, 9, 33, 21];

    public static TheoryData<string, string> Variants() => new()
    {
        { "pattern 2 (sliding, global, sliding), window 4, GQA, tied", TinyModels.Gemma3Json() },
        { "layer_types (global, sliding, sliding, global), window 3, MQA, untied",
            TinyModels.Gemma3Json(kvHeads: 1, tied: false, window: 3, layers: 4,
                layerTypes: """["full_attention", "sliding_attention", "sliding_attention", "full_attention"]""") },
        { "MHA, head_dim 8 = 32/4, window 5", TinyModels.Gemma3Json(kvHeads: 4, headDim: 8, window: 5) },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Should_match_naive_reference_forward(string name, string json)
    {
        // Given
        using var model = TinyModels.Random(json);
        var c = (LlamaConfig)model.Config;
        var raw = c.Raw;
        var spec = new NaiveTransformer.Gemma3Spec(c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.RmsNormEps,
            GlobalTheta: raw["rope_theta"]!.GetValue<double>(), LinearFactor: raw["rope_scaling"]!["factor"]!.GetValue<double>(),
            LocalTheta: raw["rope_local_base_freq"]!.GetValue<double>(), QueryPreAttnScalar: raw["query_pre_attn_scalar"]!.GetValue<double>(),
            Window: raw["sliding_window"]!.GetValue<int>(), Sliding: Enumerable.Range(0, c.NumLayers).Select(c.IsSliding).ToArray(),
            Tied: c.TieWordEmbeddings);
        Assert.Contains(true, spec.Sliding);
        Assert.Contains(false, spec.Sliding);
        // When
        var expected = NaiveTransformer.Gemma3(TinyModels.Weights(model), Ids, spec);
        using var _ = no_grad();
        var actual = NaiveTransformer.Mat(model.Forward(tensor(Ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0]);
        // Then
        Assert.Equal(c.VocabSize, expected.GetLength(1));
        output.WriteLine($"gemma3 {name}: max |diff| vs float64 reference = {TensorAssert.Close(expected, actual, 1e-5, name):E2}");
    }

    [Fact]
    public void Should_read_gemma3_options_and_name_its_parameters_as_hugging_face()
    {
        using var model = TinyModels.Random(TinyModels.Gemma3Json());
        var c = (LlamaConfig)model.Config;
        Assert.Equal("Gemma3ForCausalLM", c.Architecture);
        Assert.Equal(new[] { true, false, true }, Enumerable.Range(0, 3).Select(c.IsSliding));
        Assert.Equal(1 / Math.Sqrt(24), c.AttentionScale!.Value, 12);
        Assert.Equal(100.0, c.LocalRopeTheta);
        Assert.Equal(new RopeScaling("linear", 2.0, 0, 0, 0), c.RopeScaling);
        var w = TinyModels.Weights(model);
        foreach (var norm in new[] { "input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm" })
            Assert.Equal(new long[] { 32 }, w[$"model.layers.2.{norm}.weight"].shape);
        Assert.Equal(new long[] { 16 }, w["model.layers.0.self_attn.q_norm.weight"].shape);
        Assert.Equal(new long[] { 32, 64 }, w["model.layers.0.self_attn.o_proj.weight"].shape);
        Assert.DoesNotContain("lm_head.weight", w.Keys);
        Assert.DoesNotContain(w.Keys, k => k.EndsWith(".bias"));
    }

    [Fact]
    public void Should_start_a_fresh_model_with_zero_norm_weights_as_gemma_scales_by_one_plus_w()
    {
        using var fresh = ModelFactory.Create(TinyModels.Config(TinyModels.Gemma3Json()));
        var norms = TinyModels.Weights(fresh).Where(p => p.Key.EndsWith("norm.weight")).ToList();
        Assert.Equal(3 * 6 + 1, norms.Count);
        Assert.All(norms, p => Assert.True(p.Value.eq(0).all().item<bool>(), p.Key));
        // With zero weights each norm is plain x / rms(x): the final hidden states have unit RMS
        using var _ = no_grad();
        var hidden = fresh.ForwardHidden(tensor(new long[] { 3, 4, 5 }).unsqueeze(0));
        Assert.True(hidden.pow(2).mean([-1]).sub(1).abs().max().item<float>() < 1e-3);
    }

    [Fact]
    public void Should_follow_sliding_window_pattern_and_gemma3_defaults_for_keys_the_config_leaves_out()
    {
        var json = (JsonObject)JsonNode.Parse(TinyModels.Gemma3Json(layers: 12))!;
        foreach (var key in new[] { "sliding_window_pattern", "tie_word_embeddings", "rope_theta", "rope_local_base_freq",
                     "query_pre_attn_scalar", "hidden_activation", "head_dim", "num_key_value_heads", "sliding_window" })
            json.Remove(key);
        var c = (LlamaConfig)ModelConfig.Parse(json, "test/config.json");
        // Gemma3TextConfig: every 6th layer global, tied, theta 1e6 (global) and 1e4 (local), scalar 256, head_dim 256, 4 kv heads
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i is not (5 or 11)), Enumerable.Range(0, 12).Select(c.IsSliding));
        Assert.True(c.TieWordEmbeddings);
        Assert.Equal(1_000_000.0, c.RopeTheta);
        Assert.Equal(10000.0, c.LocalRopeTheta);
        Assert.Equal(1 / 16.0, c.AttentionScale);
        Assert.Equal(256, c.HeadDim);
        Assert.Equal(4, c.NumKvHeads);
        Assert.Equal(4096, c.SlidingWindow);
    }

    public static TheoryData<string, string, string> Refused() => new()
    {
        { "hidden_activation", "\"gelu\"", "hidden_activation" },
        { "attn_logit_softcapping", "50.0", "attn_logit_softcapping" },
        { "final_logit_softcapping", "30.0", "final_logit_softcapping" },
        { "use_bidirectional_attention", "true", "use_bidirectional_attention" },
        { "rope_scaling", """{"rope_type": "dynamic", "factor": 2.0}""", "rope_scaling" },
        { "layer_types", """["sliding_attention", "full_attention"]""", "layer_types" },
        { "layer_types", """["sliding_attention", "chunked_attention", "full_attention"]""", "layer_types[1]" },
        { "query_pre_attn_scalar", "0", "query_pre_attn_scalar" },
        { "model_type", "\"gemma3\"", "gemma3_text" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Should_refuse_unsupported_options_naming_config_json_and_the_key(string key, string value, string named)
    {
        var json = (JsonObject)JsonNode.Parse(TinyModels.Gemma3Json())!;
        json[key] = JsonNode.Parse(value);
        var e = Assert.Throws<MftException>(() => ModelConfig.Parse(json, "some/dir/config.json"));
        Assert.Contains("some/dir/config.json", e.Message);
        Assert.Contains(named, e.Message);
    }
}
