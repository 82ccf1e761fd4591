using Mft.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Adapters;

/// <summary>
/// IA3: a learned vector l that scales a layer's output (keys, values: l has shape (out, 1)) or, for
/// feed-forward layers, its input (the MLP's inner activations before down_proj: l has shape (1, in)).
/// Shapes and the name ia3_l are PEFT's; l starts at one, so a fresh adapter leaves the model unchanged.
/// </summary>
public sealed class Ia3Adapter : LinearAdapter
{
    public Ia3Adapter(long inFeatures, long outFeatures, bool feedforward)
    {
        IsFeedforward = feedforward;
        Scaling = new Parameter(feedforward ? ones(1, inFeatures) : ones(outFeatures, 1));
    }

    public bool IsFeedforward { get; }
    public Parameter Scaling { get; }

    public override Tensor Forward(Tensor x, Tensor weight, Tensor? bias, bool training) => IsFeedforward
        ? Autocast.Linear(x * Scaling.flatten(), weight, bias)
        : Autocast.Linear(x, weight, bias) * Scaling.flatten();

    public override void MergeInto(Tensor weight, Tensor? bias)
    {
        weight.mul_(Scaling);                                     // (out, in) x (1, in) or (out, 1)
        if (!IsFeedforward && bias is not null) bias.mul_(Scaling.flatten());
    }

    internal override void Register(AdaptableLinear layer) => layer.RegisterAdapterParameter("ia3_l", Scaling);
    internal override void Unregister(AdaptableLinear layer) => layer.Forget("ia3_l");
}
