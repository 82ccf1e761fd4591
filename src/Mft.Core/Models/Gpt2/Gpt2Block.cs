using Mft.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Gpt2;

/// <summary>GPT-2 pre-norm block: x + attn(ln_1(x)), then + mlp(ln_2(x)).</summary>
public sealed class Gpt2Block : nn.Module
{
    [ComponentName(Name = "ln_1")] private readonly LayerNorm _ln1;
    [ComponentName(Name = "attn")] private readonly Gpt2Attention _attn;
    [ComponentName(Name = "ln_2")] private readonly LayerNorm _ln2;
    [ComponentName(Name = "mlp")] private readonly Gpt2Mlp _mlp;
    private readonly int _index;

    public Gpt2Block(Gpt2Config c, int index) : base(nameof(Gpt2Block))
    {
        _index = index;
        _ln1 = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
        _attn = new Gpt2Attention(c);
        _ln2 = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
        _mlp = new Gpt2Mlp(c);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor? mask, KvCache? cache)
    {
        // An inner scope frees this block's temporaries as soon as it returns; autograd keeps what backward needs.
        using var scope = NewDisposeScope();
        var h = x.add(_attn.Forward(_ln1.forward(x), mask, cache, _index), Scalars.One);  // (B, T, C)
        return h.add(_mlp.forward(_ln2.forward(h)), Scalars.One).MoveToOuterDisposeScope();  // (B, T, C)
    }
}
