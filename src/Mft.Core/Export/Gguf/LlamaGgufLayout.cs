using Mft.Runtime;
using TorchSharp;
using Mft.Models.Layers;
using Mft.Models.Llama;
using static TorchSharp.torch;

namespace Mft.Export.Gguf;

/// <summary>
/// The Llama family in llama.cpp's terms: architecture <c>llama</c> (Llama, Mistral), <c>qwen2</c>, <c>qwen3</c> or
/// <c>gemma3</c>; its hyperparameters under that prefix; and the tensors under llama.cpp's names. For <c>llama</c>
/// the q and k rows are reordered within each head from Hugging Face's rotate-half layout to the interleaved pairs
/// llama.cpp rotates; Gemma's norms are stored as 1 + w, which is what they scale by. What llama.cpp would compute
/// differently is refused by name.
/// </summary>
public static class LlamaGgufLayout
{
    /// <summary>Single 1, added to Gemma's norm weights: held, not converted per tensor (docs/runtime.md).</summary>
    private static readonly Scalar UnitOffset = 1.0f.ToScalar();

    public static string ArchitectureOf(LlamaConfig c) => c.ModelType switch
    {
        "llama" or "mistral" => "llama",
        "qwen2" => "qwen2",
        "qwen3" => "qwen3",
        "gemma3_text" => "gemma3",
        _ => throw new MftException($"{c.SourcePath}: model_type '{c.ModelType}' has no GGUF architecture here"),
    };

    /// <summary>Writes the architecture's metadata and returns its tensors, in llama.cpp's order.</summary>
    public static List<GgufTensor> Describe(LlamaConfig c, GgufTensorSource source, GgufMetadata m, Action<string> note)
    {
        var arch = ArchitectureOf(c);
        Check(c, arch);
        int context = c.MaxPositions;
        if (arch == "llama" && c.SlidingWindow is int window && window < context)
        {
            // llama.cpp's llama architecture attends to the whole context: within the window it equals Mistral's
            context = window;
            note($"{c.SourcePath}: sliding_window {window} < max_position_embeddings {c.MaxPositions}: the GGUF's context_length is {window}, " +
                 "within which llama.cpp computes what the model computes");
        }
        m.UInt32($"{arch}.context_length", context)
         .UInt32($"{arch}.embedding_length", c.HiddenSize)
         .UInt32($"{arch}.block_count", c.NumLayers)
         .UInt32($"{arch}.feed_forward_length", c.IntermediateSize)
         .UInt32($"{arch}.attention.head_count", c.NumHeads)
         .UInt32($"{arch}.attention.head_count_kv", c.NumKvHeads)
         .UInt32($"{arch}.attention.key_length", c.HeadDim)
         .UInt32($"{arch}.attention.value_length", c.HeadDim)
         .UInt32($"{arch}.rope.dimension_count", c.HeadDim)
         .Float32($"{arch}.rope.freq_base", c.RopeTheta)
         .Float32($"{arch}.attention.layer_norm_rms_epsilon", c.RmsNormEps)
         .UInt32($"{arch}.vocab_size", c.VocabSize);
        if (c.RopeScaling is { Type: "linear" } linear)
            m.String($"{arch}.rope.scaling.type", "linear").Float32($"{arch}.rope.scaling.factor", linear.Factor);
        if (arch == "gemma3") m.UInt32($"{arch}.attention.sliding_window", c.SlidingWindow!.Value);

        bool permute = arch == "llama";
        Func<Tensor, Tensor>? norm = c.Gemma ? t => t.add(UnitOffset, Scalars.One) : null;   // Gemma's (1 + w)
        Func<Tensor, Tensor>? Rows(int heads) => permute ? t => InterleavePairs(t, heads) : null;

        var tensors = new List<GgufTensor> { source.Tensor("token_embd.weight", "model.embed_tokens.weight") };
        if (c.RopeScaling is { Type: "llama3" }) tensors.Add(GgufTensorSource.Vector("rope_freqs.weight", Llama3FrequencyFactors(c)));
        for (int i = 0; i < c.NumLayers; i++)
        {
            string hf = $"model.layers.{i}.", blk = $"blk.{i}.";
            tensors.Add(source.Tensor(blk + "attn_norm.weight", hf + "input_layernorm.weight", norm));
            tensors.Add(source.Tensor(blk + "attn_q.weight", hf + "self_attn.q_proj.weight", Rows(c.NumHeads)));
            tensors.Add(source.Tensor(blk + "attn_k.weight", hf + "self_attn.k_proj.weight", Rows(c.NumKvHeads)));
            tensors.Add(source.Tensor(blk + "attn_v.weight", hf + "self_attn.v_proj.weight"));
            if (c.QkvBias)
            {
                tensors.Add(source.Tensor(blk + "attn_q.bias", hf + "self_attn.q_proj.bias", Rows(c.NumHeads)));
                tensors.Add(source.Tensor(blk + "attn_k.bias", hf + "self_attn.k_proj.bias", Rows(c.NumKvHeads)));
                tensors.Add(source.Tensor(blk + "attn_v.bias", hf + "self_attn.v_proj.bias"));
            }
            tensors.Add(source.Tensor(blk + "attn_output.weight", hf + "self_attn.o_proj.weight"));
            if (c.OutputBias) tensors.Add(source.Tensor(blk + "attn_output.bias", hf + "self_attn.o_proj.bias"));
            if (c.QkNorm)
            {
                tensors.Add(source.Tensor(blk + "attn_q_norm.weight", hf + "self_attn.q_norm.weight", norm));
                tensors.Add(source.Tensor(blk + "attn_k_norm.weight", hf + "self_attn.k_norm.weight", norm));
            }
            if (c.Gemma)
            {
                tensors.Add(source.Tensor(blk + "post_attention_norm.weight", hf + "post_attention_layernorm.weight", norm));
                tensors.Add(source.Tensor(blk + "ffn_norm.weight", hf + "pre_feedforward_layernorm.weight", norm));
                tensors.Add(source.Tensor(blk + "post_ffw_norm.weight", hf + "post_feedforward_layernorm.weight", norm));
            }
            else tensors.Add(source.Tensor(blk + "ffn_norm.weight", hf + "post_attention_layernorm.weight"));
            tensors.Add(source.Tensor(blk + "ffn_gate.weight", hf + "mlp.gate_proj.weight"));
            tensors.Add(source.Tensor(blk + "ffn_up.weight", hf + "mlp.up_proj.weight"));
            tensors.Add(source.Tensor(blk + "ffn_down.weight", hf + "mlp.down_proj.weight"));
        }
        tensors.Add(source.Tensor("output_norm.weight", "model.norm.weight", norm));
        if (!c.TieWordEmbeddings) tensors.Add(source.Tensor("output.weight", "lm_head.weight"));
        return tensors;
    }

    /// <summary>Refuses what llama.cpp's graph for <paramref name="arch"/> would compute differently.</summary>
    private static void Check(LlamaConfig c, string arch)
    {
        string where = c.SourcePath;
        if (c.MlpBias) throw new MftException($"{where}: mlp_bias is true; llama.cpp's {arch} graph has no MLP biases");
        if (c.OutputBias && arch != "llama") throw new MftException($"{where}: attention_bias is true; llama.cpp's {arch} graph has no attention output bias");
        if (c.QkvBias && arch is "qwen3" or "gemma3") throw new MftException($"{where}: attention_bias is true; llama.cpp's {arch} graph has no q/k/v biases");
        if (c.RopeScaling is { Type: "llama3" } && arch != "llama")
            throw new MftException($"{where}: rope_scaling llama3 is exported for the llama architecture only, not {arch}");
        if (arch is "qwen2" or "qwen3" && c.SlidingWindow is not null)
            throw new MftException($"{where}: use_sliding_window is true; llama.cpp's {arch} graph attends to the whole context");
        if (arch != "gemma3") return;
        // llama.cpp fixes these for Gemma 3: every 6th layer global, the rest sliding on RoPE base 10000, scale 1/sqrt(head_dim)
        if (c.SlidingWindow is null || c.SlidingLayers is null ||
            Enumerable.Range(0, c.NumLayers).Any(i => c.SlidingLayers[i] != ((i + 1) % 6 != 0)))
            throw new MftException($"{where}: llama.cpp's gemma3 graph slides every layer but each 6th; this model's layer pattern differs (sliding_window_pattern / layer_types)");
        if (c.LocalRopeTheta is double local && local != 10000.0)
            throw new MftException($"{where}: rope_local_base_freq is {local}; llama.cpp's gemma3 graph fixes it at 10000");
        if (c.AttentionScale is double s && Math.Abs(s - 1.0 / Math.Sqrt(c.HeadDim)) > 1e-9 * s)
            throw new MftException($"{where}: query_pre_attn_scalar differs from head_dim ({c.HeadDim}); llama.cpp's gemma3 graph scales attention by 1/sqrt(head_dim)");
    }

    /// <summary>
    /// Reorders the rows (or bias entries) of each head from rotate-half order [x0..x(d/2-1), y0..y(d/2-1)] to the
    /// interleaved pairs [x0, y0, x1, y1, …] that llama.cpp's rotation (rope type "norm") expects.
    /// </summary>
    public static Tensor InterleavePairs(Tensor t, int heads)
    {
        var shape = t.shape;
        long headDim = shape[0] / heads;
        var rest = shape.Skip(1).ToArray();
        return t.reshape([heads, 2, headDim / 2, .. rest]).transpose(1, 2).reshape(shape);   // (out, …)
    }

    /// <summary>
    /// llama3 rope scaling as llama.cpp applies it: a per-pair divisor of the rotation frequency (rope_freqs), the
    /// unscaled frequency over the scaled one that <see cref="RotaryEmbedding"/> uses.
    /// </summary>
    public static float[] Llama3FrequencyFactors(LlamaConfig c)
    {
        var plain = new RotaryEmbedding(c.HeadDim, c.RopeTheta, null).InverseFrequencies;
        var scaled = new RotaryEmbedding(c.HeadDim, c.RopeTheta, c.RopeScaling).InverseFrequencies;
        return plain.Select((f, i) => f / scaled[i]).ToArray();
    }
}
