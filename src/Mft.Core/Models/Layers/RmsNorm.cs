using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>Root-mean-square layer norm (Zhang and Sennrich 2019), computed in fp32 as Hugging Face's LlamaRMSNorm.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public RmsNorm(long dim, double eps) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(dim));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var xf = x.to_type(ScalarType.Float32);                                // (B, T, C)
        var rms = rsqrt(xf.pow(2).mean([-1], keepdim: true).add_(_eps));      // (B, T, 1)
        return weight * (xf * rms).to_type(x.dtype);                          // (B, T, C)
    }
}
