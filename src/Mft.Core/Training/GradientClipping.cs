using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// Gradient clipping by the global L2 norm, measured here and applied by the optimizer
/// (<see cref="LowMemoryAdamW.Step"/>) slice by slice while each slice is in cache, instead of one more pass that
/// rewrites every gradient. The arithmetic is libtorch's <c>clip_grad_norm_</c> (which TorchSharp calls) op for op: each
/// gradient's norm, the norm of their stack, scale = max_norm / (norm + 1e-6) clamped to at most 1, every gradient
/// multiplied by it; so the weights are bit-identical to clip_grad_norm_ followed by the step (tested).
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// The gradients' total L2 norm and the 0-dimensional scale to multiply them by (1 when the norm is within
    /// <paramref name="maxNorm"/>); the gradients are not changed. No gradients: norm 0, no scale.
    /// </summary>
    public static (double Norm, Tensor? Scale) Measure(IEnumerable<Parameter> parameters, double maxNorm)
    {
        var gradients = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (gradients.Count == 0) return (0.0, null);
        using var scope = NewDisposeScope();
        var norms = gradients.Select(g => g.norm(2.0f)).ToList();
        var total = norms.Count == 1 ? norms[0] : stack(norms).norm(2.0f);
        using var epsilon = 1e-6.ToScalar();
        using var max = maxNorm.ToScalar();
        // libtorch writes max_norm / (norm + 1e-6) as a tensor filled with max_norm divided by the sum
        var scale = full_like(total, max).div_(total.add(epsilon, Runtime.Scalars.One)).clamp_max_(Runtime.Scalars.One);
        return (total.item<float>(), scale.MoveToOuterDisposeScope());
    }
}
