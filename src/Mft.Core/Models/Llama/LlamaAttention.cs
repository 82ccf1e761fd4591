using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>Multi-head attention with rotary positions and grouped-query key/value heads (Llama, Mistral, Qwen2).</summary>
public sealed class LlamaAttention : nn.Module
{
    [ComponentName(Name = "q_proj")] private readonly AdaptableLinear _qProj;
    [ComponentName(Name = "k_proj")] private readonly AdaptableLinear _kProj;
    [ComponentName(Name = "v_proj")] private readonly AdaptableLinear _vProj;
    [ComponentName(Name = "o_proj")] private readonly AdaptableLinear _oProj;
    private readonly int _heads, _kvHeads, _headDim;

    public LlamaAttention(LlamaConfig c) : base(nameof(LlamaAttention))
    {
        (_heads, _kvHeads, _headDim) = (c.NumHeads, c.NumKvHeads, c.HeadDim);
        _qProj = new AdaptableLinear(c.HiddenSize, c.NumHeads * c.HeadDim, c.QkvBias);
        _kProj = new AdaptableLinear(c.HiddenSize, c.NumKvHeads * c.HeadDim, c.QkvBias);
        _vProj = new AdaptableLinear(c.HiddenSize, c.NumKvHeads * c.HeadDim, c.QkvBias);
        _oProj = new AdaptableLinear(c.NumHeads * c.HeadDim, c.HiddenSize, c.OutputBias);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layer)
    {
        long b = x.shape[0], t = x.shape[1];
        var q = _qProj.forward(x).view(b, t, _heads, _headDim).transpose(1, 2);      // (B, H, T, hd)
        var k = _kProj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);    // (B, Hkv, T, hd)
        var v = _vProj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);    // (B, Hkv, T, hd)
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache is not null) (k, v) = cache.Append(layer, k, v);                   // (B, Hkv, T_k, hd)
        var y = Attention.Scaled(q, k, v, mask);                                      // (B, H, T, hd)
        return _oProj.forward(y.transpose(1, 2).reshape(b, t, _heads * _headDim));   // (B, T, C)
    }
}
