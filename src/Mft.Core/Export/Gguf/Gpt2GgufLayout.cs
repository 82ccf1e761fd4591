using Mft.Models.Gpt2;

namespace Mft.Export.Gguf;

/// <summary>
/// GPT-2 in llama.cpp's terms (architecture <c>gpt2</c>): learned positions, LayerNorm with biases, fused qkv. Hugging
/// Face stores GPT-2's projections as Conv1D weights (in, out); GGUF wants (out, in) like every other matrix, so they
/// are transposed.
/// </summary>
public static class Gpt2GgufLayout
{
    public const string Architecture = "gpt2";

    public static List<GgufTensor> Describe(Gpt2Config c, GgufTensorSource source, GgufMetadata m)
    {
        if (c.Activation is not ("gelu_new" or "gelu_pytorch_tanh"))
            throw new MftException($"{c.SourcePath}: activation_function '{c.Activation}'; llama.cpp's gpt2 graph uses the tanh GELU (gelu_new) only");
        const string a = Architecture;
        m.UInt32($"{a}.context_length", c.MaxPositions)
         .UInt32($"{a}.embedding_length", c.HiddenSize)
         .UInt32($"{a}.block_count", c.NumLayers)
         .UInt32($"{a}.feed_forward_length", c.InnerSize)
         .UInt32($"{a}.attention.head_count", c.NumHeads)
         .Float32($"{a}.attention.layer_norm_epsilon", c.LayerNormEps)
         .UInt32($"{a}.vocab_size", c.VocabSize);

        string Prefix(string name) => source.Has("transformer." + name) ? "transformer." + name : name;
        GgufTensor Plain(string gguf, string hf) => source.Tensor(gguf, Prefix(hf));
        // a norm or projection: its weight (Conv1D weights transposed to (out, in)) and its bias
        IEnumerable<GgufTensor> WithBias(string gguf, string hf, bool conv) =>
        [
            conv ? source.Tensor(gguf + ".weight", Prefix(hf + ".weight"), t => t.t(), transposes: true) : Plain(gguf + ".weight", hf + ".weight"),
            Plain(gguf + ".bias", hf + ".bias"),
        ];

        var tensors = new List<GgufTensor> { Plain("token_embd.weight", "wte.weight"), Plain("position_embd.weight", "wpe.weight") };
        for (int i = 0; i < c.NumLayers; i++)
        {
            string hf = $"h.{i}.", blk = $"blk.{i}.";
            tensors.AddRange(WithBias(blk + "attn_norm", hf + "ln_1", conv: false));
            tensors.AddRange(WithBias(blk + "attn_qkv", hf + "attn.c_attn", conv: true));
            tensors.AddRange(WithBias(blk + "attn_output", hf + "attn.c_proj", conv: true));
            tensors.AddRange(WithBias(blk + "ffn_norm", hf + "ln_2", conv: false));
            tensors.AddRange(WithBias(blk + "ffn_up", hf + "mlp.c_fc", conv: true));
            tensors.AddRange(WithBias(blk + "ffn_down", hf + "mlp.c_proj", conv: true));
        }
        tensors.AddRange(WithBias("output_norm", "ln_f", conv: false));
        return tensors;
    }
}
