using TorchSharp;
using Mft.Models.Layers;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// The output head's backward over a batch cut into logit chunks, with the weight's gradient made as one product.
/// Autograd would back-propagate each chunk through the head by itself: at a 151,936-token vocabulary that is one
/// (V, C) weight-gradient product per chunk of about 110 positions, each written out, cast to fp32 and added into the
/// gradient (half a gigabyte apiece at 0.5B). Here a chunk contributes only its hidden-state gradient, G W, made at once;
/// its logit gradient G and its hidden states are kept (in the product precision: bf16 inside an
/// <see cref="Autocast"/> region, as autocast's backward would cast them) and the weight's gradient Gᵀ H is one product
/// over all of them, as an unchunked head's would be, at most <see cref="MaxKeptLogits"/> logits at a time. Inside a
/// region that product rounds its sum once to bf16, where autograd rounds each chunk's and sums them in fp32.
/// </summary>
public sealed class HeadGradient : IDisposable
{
    /// <summary>The most logit gradients kept before their product is added into the weight's gradient: 128M (256 MB in bf16, 512 MB in fp32).</summary>
    public const long MaxKeptLogits = 1L << 27;

    private readonly Tensor _weight;
    private readonly long _maxKeptLogits;
    private readonly Tensor _hiddenGradient;
    private readonly List<(Tensor Gradient, Tensor Hidden)> _kept = [];
    private long _keptLogits;

    /// <param name="weight">the head's weight (V, C): its gradient is accumulated when it requires one</param>
    /// <param name="positions">the batch's positions N: the hidden-state gradient is (N, C)</param>
    /// <param name="maxKeptLogits">logit gradients kept before their product is added into the weight's gradient</param>
    public HeadGradient(Tensor weight, long positions, long maxKeptLogits = MaxKeptLogits)
    {
        _weight = weight;
        _maxKeptLogits = maxKeptLogits;
        _hiddenGradient = zeros(positions, weight.shape[1], dtype: ScalarType.Float32, device: weight.device);
    }

    /// <summary>The gradient with respect to the hidden states fed to <see cref="Add"/>, (N, C), fp32.</summary>
    public Tensor HiddenGradient => _hiddenGradient;

    /// <summary>A chunk's logit gradient <paramref name="gradient"/> (n, V), fp32, for its hidden states <paramref name="hidden"/> (n, C) at <paramref name="start"/>.</summary>
    public void Add(long start, Tensor hidden, Tensor gradient)
    {
        using var noGrad = no_grad();
        var dtype = Autocast.IsEnabled ? ScalarType.BFloat16 : ScalarType.Float32;
        var g = gradient.to(dtype, copy: true);                                     // a tensor of its own, kept past the caller's scope
        var w = Autocast.Operand(_weight);                                          // the region's cast, not one per chunk
        _hiddenGradient.narrow(0, start, hidden.shape[0]).copy_(g.mm(w));          // (n, C): G W, cast back to fp32
        if (!_weight.requires_grad) { g.Dispose(); return; }
        _kept.Add((g.DetachFromDisposeScope(), hidden.detach().to(dtype, copy: true).DetachFromDisposeScope()));
        _keptLogits += gradient.numel();
        if (_keptLogits >= _maxKeptLogits) Flush();
    }

    /// <summary>Adds the kept chunks' weight gradient Gᵀ H into the weight's gradient; call once after the last chunk.</summary>
    public void Flush()
    {
        if (_kept.Count == 0) return;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var g = _kept.Count == 1 ? _kept[0].Gradient : cat(_kept.Select(k => k.Gradient).ToArray(), 0);   // (N', V)
            var h = _kept.Count == 1 ? _kept[0].Hidden : cat(_kept.Select(k => k.Hidden).ToArray(), 0);       // (N', C)
            var product = g.t().mm(h);                                                                         // (V, C)
            if (_weight.grad is { } existing) existing.add_(product, Runtime.Scalars.One);
            else _weight.grad = product.dtype == ScalarType.Float32 ? product : product.to(ScalarType.Float32);   // the parameter holds it; the scope frees this handle
        }
        ReleaseKept();
    }

    public void Dispose()
    {
        ReleaseKept();
        _hiddenGradient.Dispose();
    }

    private void ReleaseKept()
    {
        foreach (var (g, h) in _kept)
        {
            g.Dispose();
            h.Dispose();
        }
        _kept.Clear();
        _keptLogits = 0;
    }
}
