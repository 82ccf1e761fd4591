namespace Mft.Models.Llama;

/// <summary>
/// The Gemma 3 text model's part of config.json (model_type <c>gemma3_text</c>, transformers' Gemma3TextConfig and
/// Gemma3ForCausalLM): Gemma's norms and GeGLU MLP, query_pre_attn_scalar, and sliding-window layers interleaved
/// with global ones, the sliding layers on their own RoPE base (rope_local_base_freq) and the global layers on
/// rope_theta with rope_scaling. Soft-capping and bidirectional attention are not implemented and are refused.
/// </summary>
internal static class Gemma3Text
{
    internal static LlamaConfig Read(ModelConfig.ConfigReader r, LlamaConfig common)
    {
        var activation = r.Has("hidden_activation") ? r.String("hidden_activation") : "gelu_pytorch_tanh";
        if (activation != "gelu_pytorch_tanh")
            throw new MftException($"{r.Path}: hidden_activation '{activation}' is not supported for gemma3_text (only gelu_pytorch_tanh)");
        foreach (var key in new[] { "attn_logit_softcapping", "final_logit_softcapping" })
            if (r.Has(key))
                throw new MftException($"{r.Path}: {key} is {r.Raw[key]!.ToJsonString()}; soft-capping is not implemented (Gemma 3 sets it to null)");
        if (r.Bool("use_bidirectional_attention", false))
            throw new MftException($"{r.Path}: use_bidirectional_attention is true; Mft trains causal language models only");
        int layers = common.NumLayers;
        int pattern = r.Int("sliding_window_pattern", 6);
        if (pattern <= 0) throw new MftException($"{r.Path}: sliding_window_pattern must be positive, got {pattern}");
        var sliding = LlamaConfig.ReadLayerTypes(r, layers)
                      ?? Enumerable.Range(0, layers).Select(i => (i + 1) % pattern != 0).ToArray();
        return common with
        {
            BosTokenId = r.Int("bos_token_id", 2),
            EosTokenIds = r.Has("eos_token_id") ? r.IntList("eos_token_id") : [1],
            PadTokenId = r.Int("pad_token_id", 0),
            Gemma = true,
            AttentionScale = Math.Pow(r.Double("query_pre_attn_scalar", 256), -0.5),
            SlidingWindow = sliding.Any(s => s) ? r.Int("sliding_window", 4096) : null,
            SlidingLayers = sliding,
            LocalRopeTheta = r.Double("rope_local_base_freq", 10000.0),
        };
    }
}
