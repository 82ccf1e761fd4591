using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Gpt2;

/// <summary>GPT-2 causal self-attention: one fused c_attn projection to q, k, v, then c_proj.</summary>
public sealed class Gpt2Attention : nn.Module
{
    [ComponentName(Name = "c_attn")] private readonly Conv1D _cAttn;
    [ComponentName(Name = "c_proj")] private readonly Conv1D _cProj;
    private readonly int _heads;

    public Gpt2Attention(Gpt2Config c) : base(nameof(Gpt2Attention))
    {
        _heads = c.NumHeads;
        _cAttn = new Conv1D(c.HiddenSize, 3 * c.HiddenSize);
        _cProj = new Conv1D(c.HiddenSize, c.HiddenSize);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor? mask, KvCache? cache, int layer)
    {
        long b = x.shape[0], t = x.shape[1], c = x.shape[2], hd = c / _heads;
        var qkv = _cAttn.forward(x).split(c, 2);                                         // 3 x (B, T, C)
        var q = qkv[0].view(b, t, _heads, hd).transpose(1, 2);                           // (B, H, T, hd)
        var k = qkv[1].view(b, t, _heads, hd).transpose(1, 2);
        var v = qkv[2].view(b, t, _heads, hd).transpose(1, 2);
        if (cache is not null) (k, v) = cache.Append(layer, k, v);                       // (B, H, T_k, hd)
        var y = Attention.Scaled(q, k, v, mask);                                          // (B, H, T, hd)
        return _cProj.forward(y.transpose(1, 2).reshape(b, t, c));                       // (B, T, C)
    }
}
