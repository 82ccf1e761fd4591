using Mft.Runtime;
using TorchSharp;
using Mft.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Adapters;

/// <summary>
/// LoRA: y = x Wᵀ + b + s · dropout(x) Aᵀ Bᵀ with s = alpha / r. A (r, in) starts uniform in ±1/√in (PEFT's
/// kaiming-uniform with a = √5), drawn from the generator given (a run's own seed: not the global generator,
/// whose state depends on what ran before in the process), B (out, r) at zero, so a fresh adapter leaves the model unchanged.
/// </summary>
public class LoraAdapter : LinearAdapter
{
    private readonly double _dropout;

    /// <summary>
    /// <see cref="Scale"/> as a Scalar held as long as the adapter (an implicit conversion per call would be left to the
    /// finalizer while the native call reads it; docs/runtime.md). Adapters are not disposable: it is freed by its
    /// finalizer once the adapter is unreachable, when no call can be using it.
    /// </summary>
    private readonly Scalar _scale;

    public LoraAdapter(long inFeatures, long outFeatures, int rank, double alpha, double dropout, Generator? generator = null)
    {
        double bound = 1.0 / Math.Sqrt(inFeatures);
        A = new Parameter(empty(rank, inFeatures).uniform_(-bound, bound, generator));
        B = new Parameter(zeros(outFeatures, rank));
        Scale = alpha / rank;
        _scale = Scale.ToScalar();
        _dropout = dropout;
    }

    public Parameter A { get; }
    public Parameter B { get; }
    public double Scale { get; }
    protected Tensor Update(Tensor x, bool training)
    {
        var input = _dropout > 0 && training ? nn.functional.dropout(x, _dropout, training: true) : x;
        return Autocast.Linear(Autocast.Linear(input, A, null), B, null).mul(_scale);   // (…, out)
    }

    /// <summary>s · B A, (out, in).</summary>
    protected Tensor Delta() => B.matmul(A).mul(_scale);

    public override Tensor Forward(Tensor x, Tensor weight, Tensor? bias, bool training) =>
        Autocast.Linear(x, weight, bias).add(Update(x, training), Scalars.One);

    public override void MergeInto(Tensor weight, Tensor? bias) => weight.add_(Delta(), Scalars.One);

    internal override void Register(AdaptableLinear layer)
    {
        layer.RegisterAdapterModule("lora_A", new WeightHolder(A));
        layer.RegisterAdapterModule("lora_B", new WeightHolder(B));
    }

    internal override void Unregister(AdaptableLinear layer)
    {
        layer.Forget("lora_A");
        layer.Forget("lora_B");
    }
}
