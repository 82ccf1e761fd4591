using System.Text.Json.Nodes;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Tests;

/// <summary>Small models for tests, built from config.json text as a user's directory would give it.</summary>
public static class TinyModels
{
    public static string LlamaJson(string modelType = "llama", int heads = 4, int kvHeads = 2, bool tied = false,
        bool attentionBias = false, int? slidingWindow = null, int vocab = 61, int hidden = 32, int layers = 2) =>
        $$"""
        {"model_type": "{{modelType}}", "vocab_size": {{vocab}}, "hidden_size": {{hidden}}, "intermediate_size": 44,
         "num_hidden_layers": {{layers}}, "num_attention_heads": {{heads}}, "num_key_value_heads": {{kvHeads}},
         "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 500.0, "tie_word_embeddings": {{(tied ? "true" : "false")}},
         "attention_bias": {{(attentionBias ? "true" : "false")}}{{(slidingWindow is int w ? $", \"sliding_window\": {w}" : "")}},
         "bos_token_id": 1, "eos_token_id": 2}
        """;

    /// <summary>
    /// Qwen3: head_dim 12 (not hidden / heads = 8) by default. slidingWindow sets use_sliding_window, and layers from
    /// maxWindowLayers on slide (Qwen3Config's layer_types when none is given).
    /// </summary>
    public static string Qwen3Json(int heads = 4, int kvHeads = 2, int headDim = 12, bool tied = false, bool attentionBias = false,
        int? slidingWindow = null, int maxWindowLayers = 1, int vocab = 61, int hidden = 32, int layers = 2) =>
        $$"""
        {"model_type": "qwen3", "architectures": ["Qwen3ForCausalLM"], "vocab_size": {{vocab}}, "hidden_size": {{hidden}},
         "intermediate_size": 44, "num_hidden_layers": {{layers}}, "num_attention_heads": {{heads}}, "num_key_value_heads": {{kvHeads}},
         "head_dim": {{headDim}}, "hidden_act": "silu", "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 500.0,
         "rope_scaling": null, "tie_word_embeddings": {{(tied ? "true" : "false")}}, "attention_bias": {{(attentionBias ? "true" : "false")}},
         "use_sliding_window": {{(slidingWindow is null ? "false" : "true")}}, "sliding_window": {{slidingWindow ?? 4096}},
         "max_window_layers": {{maxWindowLayers}}, "bos_token_id": 1, "eos_token_id": 2}
        """;

    /// <summary>
    /// Gemma 3 text: 3 layers with sliding_window_pattern 2 (sliding, global, sliding), a window of 4, head_dim 16 and
    /// query_pre_attn_scalar 24, local RoPE base 100, global base 5000 with linear scaling x2, GQA, tied embeddings.
    /// layerTypes replaces the pattern with an explicit layer_types list.
    /// </summary>
    public static string Gemma3Json(int heads = 4, int kvHeads = 2, int headDim = 16, bool tied = true, int window = 4,
        string? layerTypes = null, int vocab = 61, int hidden = 32, int layers = 3)
    {
        string pattern = layerTypes is null ? "\"sliding_window_pattern\": 2" : $"\"layer_types\": {layerTypes}";
        return $$"""
        {"model_type": "gemma3_text", "architectures": ["Gemma3ForCausalLM"], "vocab_size": {{vocab}}, "hidden_size": {{hidden}},
         "intermediate_size": 44, "num_hidden_layers": {{layers}}, "num_attention_heads": {{heads}}, "num_key_value_heads": {{kvHeads}},
         "head_dim": {{headDim}}, "hidden_activation": "gelu_pytorch_tanh", "max_position_embeddings": 64, "rms_norm_eps": 1e-6,
         "rope_theta": 5000.0, "rope_local_base_freq": 100.0, "rope_scaling": {"rope_type": "linear", "factor": 2.0},
         "query_pre_attn_scalar": 24, "sliding_window": {{window}},
         {{pattern}},
         "attn_logit_softcapping": null, "final_logit_softcapping": null, "attention_bias": false,
         "tie_word_embeddings": {{(tied ? "true" : "false")}}, "bos_token_id": 2, "eos_token_id": 1, "pad_token_id": 0}
        """;
    }

    public static string Gpt2Json(int vocab = 61, int embd = 32, int layers = 2, int heads = 4) =>
        $$"""{"model_type": "gpt2", "vocab_size": {{vocab}}, "n_embd": {{embd}}, "n_layer": {{layers}}, "n_head": {{heads}}, "n_positions": 64, "layer_norm_epsilon": 1e-5, "bos_token_id": 0, "eos_token_id": 0}""";

    public static ModelConfig Config(string json) => ModelConfig.Parse((JsonObject)JsonNode.Parse(json)!, "test/config.json");

    /// <summary>
    /// A model whose every parameter (norm weights and biases too) is random, so nothing is trivially 0 or 1. Vectors
    /// are 1 + 0.3 N(0, 1), except Gemma's norm weights, which scale by (1 + w) and so are 0.3 N(0, 1).
    /// </summary>
    public static CausalLM Random(string json, long seed = 1234)
    {
        var model = ModelFactory.Create(Config(json));
        bool gemma = model.Config is Mft.Models.Llama.LlamaConfig { Gemma: true };
        // A generator of its own: the global one is shared with tests running in parallel, which made two
        // "identical" random models differ now and then.
        using var generator = new Generator((ulong)seed);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
            {
                double centre = p.dim() == 1 && !(gemma && name.EndsWith("norm.weight", StringComparison.Ordinal)) ? 1.0 : 0.0;
                using var noise = randn(p.shape, p.dtype, p.device, generator: generator);
                p.copy_(noise * (p.dim() == 1 ? 0.3 : 0.2) + centre);
            }
        model.eval();
        return model;
    }

    public static Dictionary<string, Tensor> Weights(CausalLM model) =>
        model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
}
