using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>
/// Multi-head attention with rotary positions and grouped-query key/value heads (Llama, Mistral, Qwen2), with
/// per-head query and key norms before RoPE (Qwen3, Gemma 3) and Gemma's query_pre_attn_scalar scaling.
/// </summary>
public sealed class LlamaAttention : nn.Module
{
    [ComponentName(Name = "q_proj")] private readonly AdaptableLinear _qProj;
    [ComponentName(Name = "k_proj")] private readonly AdaptableLinear _kProj;
    [ComponentName(Name = "v_proj")] private readonly AdaptableLinear _vProj;
    [ComponentName(Name = "o_proj")] private readonly AdaptableLinear _oProj;
    [ComponentName(Name = "q_norm")] private readonly RmsNorm? _qNorm;
    [ComponentName(Name = "k_norm")] private readonly RmsNorm? _kNorm;
    private readonly int _heads, _kvHeads, _headDim;
    private readonly double? _scale;

    public LlamaAttention(LlamaConfig c) : base(nameof(LlamaAttention))
    {
        (_heads, _kvHeads, _headDim, _scale) = (c.NumHeads, c.NumKvHeads, c.HeadDim, c.AttentionScale);
        _qProj = new AdaptableLinear(c.HiddenSize, c.NumHeads * c.HeadDim, c.QkvBias);
        _kProj = new AdaptableLinear(c.HiddenSize, c.NumKvHeads * c.HeadDim, c.QkvBias);
        _vProj = new AdaptableLinear(c.HiddenSize, c.NumKvHeads * c.HeadDim, c.QkvBias);
        _oProj = new AdaptableLinear(c.NumHeads * c.HeadDim, c.HiddenSize, c.OutputBias);
        if (c.QkNorm)
        {
            _qNorm = new RmsNorm(c.HeadDim, c.RmsNormEps, unitOffset: c.Gemma);
            _kNorm = new RmsNorm(c.HeadDim, c.RmsNormEps, unitOffset: c.Gemma);
        }
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layer)
    {
        long b = x.shape[0], t = x.shape[1];
        var qkv = Autocast.Linears(x, [_qProj, _kProj, _vProj]);                        // (B, T, n·hd) each; one bf16 product in a region
        var q = RotaryEmbedding.Apply(Heads(qkv[0], _qNorm, _heads), cos, sin);         // (B, H, T, hd)
        var k = RotaryEmbedding.Apply(Heads(qkv[1], _kNorm, _kvHeads), cos, sin);       // (B, Hkv, T, hd)
        var v = Heads(qkv[2], null, _kvHeads);                                          // (B, Hkv, T, hd)
        if (cache is not null) (k, v) = cache.Append(layer, k, v);                     // (B, Hkv, T_k, hd)
        var y = Attention.Scaled(q, k, v, mask, _scale, castBack: false);               // (B, H, T, hd); bf16 in a region: o_proj's operand
        return _oProj.forward(y.transpose(1, 2).reshape(b, t, _heads * _headDim));     // (B, T, C), fp32
    }

    /// <summary>Splits a projection into heads and applies the head norm if there is one: (B, T, n·hd) to (B, n, T, hd).</summary>
    private Tensor Heads(Tensor projected, RmsNorm? norm, int heads)
    {
        var h = projected.view(projected.shape[0], projected.shape[1], heads, _headDim);   // (B, T, n, hd)
        return (norm is null ? h : norm.forward(h)).transpose(1, 2);                    // (B, n, T, hd)
    }
}
