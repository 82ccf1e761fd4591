using Mft.Runtime;
using Mft.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Adapters;

/// <summary>
/// DoRA: W' = m ⊙ (W + s B A) / ‖W + s B A‖, the norm taken per output row and, as in the paper (§4.3) and
/// PEFT, treated as a constant in the backward pass. m (out) starts at ‖W‖ per row, so a fresh adapter leaves
/// the model unchanged. Computed without materialising W': y = (m / ‖·‖) ⊙ (x Wᵀ + s x Aᵀ Bᵀ) + b.
/// </summary>
public sealed class DoraAdapter : LoraAdapter
{
    public DoraAdapter(Tensor weight, int rank, double alpha, double dropout, Generator? generator = null)
        : base(weight.shape[1], weight.shape[0], rank, alpha, dropout, generator)
    {
        Tensor magnitude;
        using (no_grad())
        using (var scope = NewDisposeScope())   // the detached view and the norm; the parameter is made outside it, as parameters are (docs/runtime.md)
            magnitude = weight.detach().to(ScalarType.Float32).norm(1, false, 2.0f).clone().MoveToOuterDisposeScope();   // fp32, a bf16 base too
        Magnitude = new Parameter(magnitude);
    }

    /// <summary>The learned magnitude per output row, (out); PEFT's lora_magnitude_vector.</summary>
    public Parameter Magnitude { get; }

    private Tensor Rescale(Tensor weight)
    {
        Tensor norm;
        using (no_grad()) norm = weight.to(ScalarType.Float32).add(Delta(), Scalars.One).norm(1, false, 2.0f);   // (out), fp32 (a bf16 base too), no gradient
        return Magnitude / norm;                                                           // (out)
    }

    public override Tensor Forward(Tensor x, Tensor weight, Tensor? bias, bool training)
    {
        var y = Autocast.Linear(x, weight, null).add(Update(x, training), Scalars.One) * Rescale(weight);  // (…, out)
        return bias is null ? y : y.add(bias, Scalars.One);
    }

    public override void MergeInto(Tensor weight, Tensor? bias)
    {
        var scale = Rescale(weight).unsqueeze(1);                                          // (out, 1)
        weight.add_(Delta(), Scalars.One).mul_(scale);
    }

    internal override void Register(AdaptableLinear layer)
    {
        base.Register(layer);
        layer.RegisterAdapterParameter("lora_magnitude_vector", Magnitude);
    }

    internal override void Unregister(AdaptableLinear layer)
    {
        base.Unregister(layer);
        layer.Forget("lora_magnitude_vector");
    }
}
