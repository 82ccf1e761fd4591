using Mft.Runtime;
using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>
/// Pre-norm transformer block: x + attn(norm(x)), then + mlp(norm(x)). Gemma 3 normalises the branch outputs as
/// well: x + post_attention_layernorm(attn(input_layernorm(x))), then + post_feedforward_layernorm(mlp(pre_feedforward_layernorm(h))).
/// </summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")] private readonly LlamaAttention _selfAttn;
    [ComponentName(Name = "mlp")] private readonly LlamaMlp _mlp;
    [ComponentName(Name = "input_layernorm")] private readonly RmsNorm _inputLayernorm;
    [ComponentName(Name = "post_attention_layernorm")] private readonly RmsNorm _postAttentionLayernorm;
    [ComponentName(Name = "pre_feedforward_layernorm")] private readonly RmsNorm? _preFeedforwardLayernorm;
    [ComponentName(Name = "post_feedforward_layernorm")] private readonly RmsNorm? _postFeedforwardLayernorm;
    private readonly int _index;

    public LlamaDecoderLayer(LlamaConfig c, int index) : base(nameof(LlamaDecoderLayer))
    {
        _index = index;
        _selfAttn = new LlamaAttention(c);
        _mlp = new LlamaMlp(c);
        _inputLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, c.Gemma);
        _postAttentionLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, c.Gemma);
        if (c.Gemma)
        {
            _preFeedforwardLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, unitOffset: true);
            _postFeedforwardLayernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, unitOffset: true);
        }
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        // An inner scope frees this block's temporaries as soon as it returns; autograd keeps what backward needs.
        using var scope = NewDisposeScope();
        var attention = _selfAttn.Forward(_inputLayernorm.forward(x), cos, sin, mask, cache, _index);    // (B, T, C)
        if (_preFeedforwardLayernorm is null || _postFeedforwardLayernorm is null)
        {
            var h = x.add(attention, Scalars.One);                                                        // (B, T, C)
            return h.add(_mlp.forward(_postAttentionLayernorm.forward(h)), Scalars.One).MoveToOuterDisposeScope();  // (B, T, C)
        }
        var g = x.add(_postAttentionLayernorm.forward(attention), Scalars.One);                           // (B, T, C)
        var mlp = _postFeedforwardLayernorm.forward(_mlp.forward(_preFeedforwardLayernorm.forward(g)));   // (B, T, C)
        return g.add(mlp, Scalars.One).MoveToOuterDisposeScope();                                         // (B, T, C)
    }
}
