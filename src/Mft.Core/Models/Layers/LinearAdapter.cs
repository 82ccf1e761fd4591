using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>An adapter on one <see cref="AdaptableLinear"/>: its forward pass, its merge into the base weight, and its parameters.</summary>
public abstract class LinearAdapter
{
    /// <summary>The adapted layer's output for input x (…, in), given the frozen base weight (out, in) and bias; dropout only when training.</summary>
    public abstract Tensor Forward(Tensor x, Tensor weight, Tensor? bias, bool training);

    /// <summary>Changes weight and bias in place so that a plain linear layer computes what <see cref="Forward"/> does.</summary>
    public abstract void MergeInto(Tensor weight, Tensor? bias);

    /// <summary>Registers the parameters under the layer with PEFT's names.</summary>
    internal abstract void Register(AdaptableLinear layer);

    internal abstract void Unregister(AdaptableLinear layer);
}
