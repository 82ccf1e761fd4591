using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// AdamW with TorchSharp's arithmetic, op for op and in the same order, and TorchSharp's state (so checkpoints load
/// either way), but a step that holds at most one slice-sized temporary at a time.
/// TorchSharp's <c>AdamW.step</c> runs every parameter inside one dispose scope and builds its denominator as
/// <c>(v.sqrt() / s).add_(eps)</c>: two parameter-sized temporaries per parameter, all alive until the last parameter
/// is done. That is twice the model's size on top of weights, gradients and moments: 4 GB at 494M parameters, which set
/// the peak of every full finetuning step at Qwen2.5-0.5B's shape (docs/performance.md). Here each parameter is updated
/// in slices of at most <see cref="DefaultSliceElements"/> along its first dimension, each slice in its own scope, and the
/// denominator is built in place. Small slices also make the update faster: each slice's eight operations read it from
/// cache instead of memory. Element-wise operations do not depend on the slicing, so the weights are bit-identical
/// to TorchSharp's AdamW (tested).
/// </summary>
public sealed class LowMemoryAdamW : AdamW
{
    /// <summary>
    /// The most elements updated at once: 256K (1 MB of fp32 per temporary), so that a slice's weight, gradient, moments
    /// and temporary stay in the core's cache across the update's eight operations. At Qwen2.5-0.5B's shape (494M
    /// parameters) one step took 1.50 s in slices of 16M and 0.95 s in slices of 256K; 1M took 1.03 s, 64K 0.96 s and 16K
    /// 1.97 s, where the calls' own cost takes over (Mft.Bench optimizer, 2026-12-06, docs/performance.md).
    /// </summary>
    public const long DefaultSliceElements = 1L << 18;

    private readonly long _sliceElements;

    public LowMemoryAdamW(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
                          long sliceElements = DefaultSliceElements)
        : base(groups, lr, beta1, beta2, eps, weightDecay, amsgrad: false, maximize: false)
    {
        if (sliceElements < 1) throw new ArgumentOutOfRangeException(nameof(sliceElements), "must be at least 1");
        _sliceElements = sliceElements;
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null) throw new NotSupportedException("LowMemoryAdamW.step takes no closure");
        Step(null);
        return null!;
    }

    /// <summary>
    /// One update; with <paramref name="gradientScale"/> (a 0-dimensional tensor, <see cref="GradientClipping"/>) each
    /// gradient slice is first multiplied by it in place, as clip_grad_norm_ multiplies whole gradients, but while the
    /// slice is in cache: one pass over the gradients less than clipping before the step.
    /// </summary>
    public void Step(Tensor? gradientScale)
    {
        using var _ = no_grad();
        foreach (var group in _parameter_groups)
        {
            var o = (Options)group.Options;
            double lr = o.LearningRate!.Value, beta1 = o.beta1!.Value, beta2 = o.beta2!.Value, eps = o.eps!.Value, decay = o.weight_decay!.Value;
            foreach (var param in group.Parameters)
            {
                using var grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                state.step += 1;
                double correction1 = 1 - Math.Pow(beta1, state.step), correction2 = 1 - Math.Pow(beta2, state.step);
                double stepSize = lr / correction1, correction2Root = Math.Sqrt(correction2);
                long rows = param.dim() == 0 ? 1 : param.shape[0];
                long rowElements = Math.Max(1, param.NumberOfElements / Math.Max(1, rows));
                long sliceRows = Math.Max(1, _sliceElements / rowElements);
                // The step's numbers as Scalars held until the parameter is done: an implicit double-to-Scalar conversion
                // makes a temporary that the finalizer may free during the native call (docs/runtime.md).
                using Scalar keep = (1 - lr * decay).ToScalar(), b1 = beta1.ToScalar(), oneMinusB1 = (1 - beta1).ToScalar(),
                    b2 = beta2.ToScalar(), oneMinusB2 = (1 - beta2).ToScalar(), root2 = correction2Root.ToScalar(),
                    epsilon = eps.ToScalar(), minusStep = (-stepSize).ToScalar();
                for (long start = 0; start < rows; start += sliceRows)
                {
                    using var scope = NewDisposeScope();
                    long length = Math.Min(sliceRows, rows - start);
                    Tensor Slice(Tensor t) => param.dim() == 0 || length == rows ? t.alias() : t.narrow(0, start, length);
                    var w = Slice(param);
                    var g = Slice(grad);
                    var m = Slice(state.exp_avg);
                    var v = Slice(state.exp_avg_sq);
                    if (gradientScale is not null) g.mul_(gradientScale);
                    w.mul_(keep);
                    m.mul_(b1).add_(g, alpha: oneMinusB1);
                    v.mul_(b2).addcmul_(g, g, value: oneMinusB2);
                    var denominator = v.sqrt();                          // the one temporary: a slice of the parameter's size
                    denominator.div_(root2).add_(epsilon, Runtime.Scalars.One);
                    w.addcdiv_(m, denominator, value: minusStep);
                }
            }
        }
    }
}
