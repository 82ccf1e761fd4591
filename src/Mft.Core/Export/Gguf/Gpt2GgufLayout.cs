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
        GgufTensor Conv(string gguf, string hf) => source.Tensor(gguf, Prefix(hf), t => t.t(), transposes: true);

        var tensors = new List<GgufTensor> { Plain("token_embd.weight", "wte.weight"), Plain("position_embd.weight", "wpe.weight") };
        for (int i = 0; i < c.NumLayers; i++)
        {
            string hf = $"h.{i}.", blk = $"blk.{i}.";
            tensors.Add(Plain(blk + "attn_norm.weight", hf + "ln_1.weight"));
            tensors.Add(Plain(blk + "attn_norm.bias", hf + "ln_1.bias"));
            tensors.Add(Conv(blk + "attn_qkv.weight", hf + "attn.c_attn.weight"));
            tensors.Add(Plain(blk + "attn_qkv.bias", hf + "attn.c_attn.bias"));
            tensors.Add(Conv(blk + "attn_output.weight", hf + "attn.c_proj.weight"));
            tensors.Add(Plain(blk + "attn_output.bias", hf + "attn.c_proj.bias"));
            tensors.Add(Plain(blk + "ffn_norm.weight", hf + "ln_2.weight"));
            tensors.Add(Plain(blk + "ffn_norm.bias", hf + "ln_2.bias"));
            tensors.Add(Conv(blk + "ffn_up.weight", hf + "mlp.c_fc.weight"));
            tensors.Add(Plain(blk + "ffn_up.bias", hf + "mlp.c_fc.bias"));
            tensors.Add(Conv(blk + "ffn_down.weight", hf + "mlp.c_proj.weight"));
            tensors.Add(Plain(blk + "ffn_down.bias", hf + "mlp.c_proj.bias"));
        }
        tensors.Add(Plain("output_norm.weight", "ln_f.weight"));
        tensors.Add(Plain("output_norm.bias", "ln_f.bias"));
        return tensors;
    }
}
