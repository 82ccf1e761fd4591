using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// Gradient accumulation by whole micro-batches: each micro-batch's gradient is computed into fresh <c>.grad</c>s
/// (<see cref="Add"/> takes them away), then added to a running sum, which <see cref="Finish"/> hands back as the
/// parameters' gradients. Letting back-propagation accumulate into <c>.grad</c> directly would interleave the sum with
/// each micro-batch's own partial sums (the loss's chunks), so its result would depend on how micro-batches are
/// grouped; here the step's gradient is g1 + g2 + ... of whole micro-batch gradients, the sum that data-parallel ranks
/// form with an all-reduce (for two terms the fp32 sum is the same in either order, so 2 ranks equal accumulation over 2
/// micro-batches bit for bit). The cost: a second gradient-sized buffer while a micro-batch after the first
/// back-propagates (docs/cluster.md). The sums are held outside any dispose scope (micro-batches run in their own) and
/// freed by <see cref="Finish"/>, which hands them to the parameters, or by <see cref="Dispose"/>.
/// </summary>
public sealed class MicroBatchGradients(IReadOnlyList<Tensor> parameters) : IDisposable
{
    private readonly Tensor?[] _sum = new Tensor?[parameters.Count];

    /// <summary>Adds the micro-batch just back-propagated (the parameters' <c>.grad</c>) to the sum and clears <c>.grad</c>.</summary>
    public void Add()
    {
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p.grad is not { } g) continue;
            if (_sum[i] is { } sum) sum.add_(g, Runtime.Scalars.One);
            else _sum[i] = g.DetachFromDisposeScope();   // the first micro-batch's gradient becomes the sum: no copy
            p.grad = null;
        }
    }

    /// <summary>Gives every parameter the summed gradient (none where no micro-batch reached it).</summary>
    public void Finish()
    {
        for (int i = 0; i < parameters.Count; i++)
            if (_sum[i] is { } sum) parameters[i].grad = sum;
        Dispose();   // the parameters hold the sums now
    }

    public void Dispose()
    {
        for (int i = 0; i < _sum.Length; i++)
        {
            _sum[i]?.Dispose();
            _sum[i] = null;
        }
    }
}
