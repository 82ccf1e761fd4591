using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then + mlp(norm(x)).</summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")] private readonly LlamaAttention _selfAttn;
    [ComponentName(Name = "mlp")] private readonly LlamaMlp _mlp;
    [ComponentName(Name = "input_layernorm")] private readonly RmsNorm _inputLayernorm;
    [ComponentName(Name = "post_attention_layernorm")] private readonly RmsNorm _postAttentionLayernorm;
    private readonly int _index;

    public LlamaDecoderLayer(LlamaConfig c, int index) : base(nameof(LlamaDecoderLayer))
    {
        _index = index;
        _selfAttn = new LlamaAttention(c);
        _mlp = new LlamaMlp(c);
        _inputLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        _postAttentionLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        // An inner scope frees this block's temporaries as soon as it returns; autograd keeps what backward needs.
        using var scope = NewDisposeScope();
        var h = x + _selfAttn.Forward(_inputLayernorm.forward(x), cos, sin, mask, cache, _index);  // (B, T, C)
        return (h + _mlp.forward(_postAttentionLayernorm.forward(h))).MoveToOuterDisposeScope();     // (B, T, C)
    }
}
