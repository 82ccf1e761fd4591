using System.Text.Json.Nodes;
using Mft.Models;

namespace Mft.Bench;

/// <summary>The performance issue's fixed Llama configurations (the same as ../shared/peers/pytorch_bench.py).</summary>
public sealed record BenchPreset(string Name, int Vocab, int D, int Layers, int Heads, int KvHeads, int Ffn, int T, int B)
{
    public static readonly IReadOnlyDictionary<string, BenchPreset> All = new Dictionary<string, BenchPreset>
    {
        ["bench-small"] = new("bench-small", 8192, 256, 6, 8, 4, 688, 256, 8),
        ["bench-medium"] = new("bench-medium", 8192, 512, 8, 8, 8, 1376, 256, 4),
        // the shape of Qwen2.5-0.5B (494M parameters, tied embeddings, GQA 14/2), without biases, as in the peer
        ["bench-0.5b"] = new("bench-0.5b", 151936, 896, 24, 14, 2, 4864, 512, 1),
    };

    public ModelConfig ModelConfig() => Mft.Models.ModelConfig.Parse(new JsonObject
    {
        ["model_type"] = "llama", ["vocab_size"] = Vocab, ["hidden_size"] = D, ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = Heads, ["num_key_value_heads"] = KvHeads, ["intermediate_size"] = Ffn,
        ["max_position_embeddings"] = T, ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["tie_word_embeddings"] = true,
    }, Name);

    /// <summary>
    /// FLOPs per token, the peer's model: N = parameters (tied embedding once), attention scores counted in full
    /// (no causal discount). Forward 2N + 4 L T d_attn; a training step three times that; mft adds the teacher's forward.
    /// </summary>
    public double FlopsPerToken(string mode, long n)
    {
        double forward = 2.0 * n + 4.0 * Layers * T * D;
        return (mode.EndsWith("+gc", StringComparison.Ordinal) ? mode[..^3] : mode) switch
        {
            "fwd" => forward,
            "mft" or "mft-lora-copy" or "mft-lora" => 4 * forward,
            _ => 3 * forward,   // ft, lora, mft-cached, mft-exact; checkpointing's extra forward is not counted as useful work (the teacher ran once, before the timed steps)
        };
    }

    /// <summary>The parameter shapes of a preset's Llama (tied embedding once), in the model's order.</summary>
    public IEnumerable<long[]> ParameterShapes()
    {
        long kv = D / Heads * KvHeads;
        yield return [Vocab, D];
        for (int i = 0; i < Layers; i++)
        {
            yield return [D, D]; yield return [kv, D]; yield return [kv, D]; yield return [D, D];
            yield return [Ffn, D]; yield return [Ffn, D]; yield return [D, Ffn];
            yield return [D]; yield return [D];
        }
        yield return [D];
    }
}
