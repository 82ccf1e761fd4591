using Mft.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>
/// Root-mean-square layer norm (Zhang and Sennrich 2019) over the last dimension, computed in fp32. Llama's form
/// (LlamaRMSNorm) scales the normalised input by w, cast back first; Gemma's (Gemma3RMSNorm, unitOffset)
/// scales by (1 + w) in fp32 and casts after, and its weight starts at 0.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    /// <summary>eps as a Scalar held with the module (an implicit conversion would be left to the finalizer).</summary>
    private readonly Scalar _eps;
    private readonly bool _unitOffset;

    public RmsNorm(long dim, double eps, bool unitOffset = false) : base(nameof(RmsNorm))
    {
        weight = new Parameter(unitOffset ? zeros(dim) : ones(dim));
        _eps = eps.ToScalar();
        _unitOffset = unitOffset;
        RegisterComponents();
    }

    /// <summary>Sets the weight to its fresh value, for which the norm applies no scaling (1, or 0 with the unit offset).</summary>
    public void ResetWeight()
    {
        using var _ = no_grad();
        weight.fill_(_unitOffset ? Scalars.ZeroDouble : Scalars.OneDouble);
    }

    public override Tensor forward(Tensor x)
    {
        var xf = x.to_type(ScalarType.Float32);                                // (…, C)
        var rms = rsqrt(xf.pow(Scalars.Two).mean([-1], keepdim: true).add_(_eps, Scalars.One));  // (…, 1)
        if (_unitOffset)
            return (xf * rms * weight.to_type(ScalarType.Float32).add(Scalars.OneDouble, Scalars.One)).to_type(x.dtype);  // (…, C)
        return weight * (xf * rms).to_type(x.dtype);                          // (…, C)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _eps.Dispose();
        base.Dispose(disposing);
    }
}
