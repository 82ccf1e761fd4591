using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>
/// Mixed precision as PyTorch's CPU autocast does it (<c>torch.autocast("cpu", dtype=torch.bfloat16)</c>), and no looser:
/// inside a <see cref="Bf16"/> region the matrix products (every linear layer, attention's QK^T and PV, the output head
/// over each logit chunk) multiply bf16 operands and return fp32; weights, gradients and optimizer state stay fp32, and
/// everything else (norms, softmax, RoPE, residual sums, the loss and every reduction) stays fp32 because the product's
/// result is cast back before it. Where a product's result only feeds another product, or an elementwise activation
/// whose result feeds one (the MLP's gate and up through SiLU into down; attention's output into o_proj), the caller may
/// keep it bf16 (<c>castBack: false</c>), as autocast does everywhere: the next product would round it to bf16 anyway,
/// and the cast there and back (and its backward) is saved. A weight is cast once per region and the cast reused (PyTorch's
/// autocast weight cache), so a region around a whole optimizer step casts each weight once a step; gradients flow
/// back through the cast into the fp32 weight. A weight already stored in bf16 (a frozen teacher) is used as it is.
/// The region is per thread; libtorch runs CPU backward on the thread that calls it, so activation checkpointing's
/// recomputation runs inside it too. Outside a region every product is fp32, a bf16 weight included.
/// </summary>
public static class Autocast
{
    /// <summary>
    /// Names what a bf16 region computes, for the bf16 teacher caches' fingerprints: a cache made by another arithmetic
    /// holds other hidden states, so it is refused as stale (the cache records it under the key autocast). Change it
    /// whenever a bf16 result changes. 1: every product's result cast back to fp32 (caches without the key). 2: SiLU, the
    /// gate-up product and attention's output into o_proj stay bf16 (2026-12-06).
    /// </summary>
    public const string Arithmetic = "2";

    [ThreadStatic] private static Region? _current;

    /// <summary>Whether products are made in bf16 on this thread now.</summary>
    public static bool IsEnabled => _current is not null;

    /// <summary>A bf16 region until disposed (nested regions share the outer one's casts); when <paramref name="enabled"/> is false, nothing.</summary>
    public static IDisposable Bf16(bool enabled = true) => enabled && _current is null ? new Region() : NoRegion.Instance;

    /// <summary>x (…, in) Wᵀ (W: (out, in)) + b, in bf16 inside a region; the result is fp32 (…, out).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        if (_current is not { } r)
            return weight.dtype == ScalarType.Float32 && x.dtype == ScalarType.Float32 ? nn.functional.linear(x, weight, bias)
                : nn.functional.linear(x.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias?.to(ScalarType.Float32));
        return nn.functional.linear(x.to(ScalarType.BFloat16), r.Cast(weight), bias is null ? null : r.Cast(bias)).to(ScalarType.Float32);
    }

    /// <summary>
    /// A product's operand as this thread's products use it: inside a region a weight's bf16 cast, made once per region
    /// and gradient mode (or anything else cast now); outside, <paramref name="t"/> itself. For products written out by
    /// hand, as the head's backward over logit chunks (<c>Training.HeadGradient</c>).
    /// </summary>
    public static Tensor Operand(Tensor t) => _current is { } r ? r.Cast(t) : t;

    /// <summary>
    /// The outputs of several linear layers over the same input x (…, in) (q, k and v; gate and up). Inside a region, when
    /// none of them has an adapter switched on, they are one bf16 product over the layers' weights concatenated (cast and
    /// joined once per region): x is cast once, the product is one larger GEMM, and x's gradient is one fp32-accumulated
    /// sum rounded once to bf16 (separate products round three and sum in fp32; autocast does the latter). Each result is
    /// fp32 (…, out_i), or bf16 with <paramref name="castBack"/> false (for a consumer that feeds another product).
    /// Outside a region each layer runs on its own, exactly as it would alone, and returns fp32. With adapters each layer
    /// runs on its own too, and with <paramref name="castBack"/> false its fp32 result is rounded to bf16, so a model under
    /// fresh adapters computes exactly what its base computes.
    /// </summary>
    public static Tensor[] Linears(Tensor x, IReadOnlyList<AdaptableLinear> layers, bool castBack = true)
    {
        if (_current is null) return layers.Select(l => l.forward(x)).ToArray();
        if (layers.Any(l => l.Adapter is not null && l.AdapterEnabled))
            return layers.Select(l => castBack ? l.forward(x) : l.forward(x).to(ScalarType.BFloat16)).ToArray();
        var r = _current;
        var (weight, bias) = r.Joined(layers);
        var y = nn.functional.linear(x.to(ScalarType.BFloat16), weight, bias);              // (…, Σ out_i), bf16
        var sizes = layers.Select(l => l.OutFeatures).ToArray();
        var parts = y.split(sizes, -1);                                                     // (…, out_i) each, bf16
        return castBack ? parts.Select(part => part.to(ScalarType.Float32)).ToArray() : parts;
    }

    /// <summary>bias + x (N, in) W (W: (in, out)), GPT-2's Conv1D, in bf16 inside a region; the result is fp32 (N, out).</summary>
    public static Tensor AddMatMul(Tensor bias, Tensor x, Tensor weight)
    {
        if (_current is not { } r)
            return weight.dtype == ScalarType.Float32 ? addmm(bias, x, weight, 1, 1)
                : addmm(bias.to(ScalarType.Float32), x, weight.to(ScalarType.Float32), 1, 1);
        return addmm(r.Cast(bias), x.to(ScalarType.BFloat16), r.Cast(weight), 1, 1).to(ScalarType.Float32);
    }

    /// <summary>
    /// Scaled dot-product attention of q (B, H, T, hd), k and v (B, H, T_k, hd): inside a region q, k and v are bf16 and
    /// libtorch's kernel keeps the scores' softmax in fp32 (its bf16 kernels accumulate and normalise in fp32, its math
    /// path upcasts); the result is fp32, or bf16 with <paramref name="castBack"/> false (when it feeds a product).
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? mask, bool causal, bool castBack = true)
    {
        if (_current is null) return nn.functional.scaled_dot_product_attention(q, k, v, mask, 0.0, causal);
        var y = nn.functional.scaled_dot_product_attention(q.to(ScalarType.BFloat16), k.to(ScalarType.BFloat16), v.to(ScalarType.BFloat16), mask, 0.0, causal);   // (B, H, T, hd), bf16
        return castBack ? y.to(ScalarType.Float32) : y;
    }

    /// <summary>The casts of one region, freed when it ends.</summary>
    private sealed class Region : IDisposable
    {
        private readonly Dictionary<(IntPtr, bool), Tensor> _casts = new();

        public Region() => _current = this;

        /// <summary>
        /// <paramref name="t"/> in bf16: as it is when already bf16; a weight (a leaf) cast once per region, separately
        /// with and without gradients (a cast made under inference mode cannot join a graph); anything else cast now.
        /// </summary>
        public Tensor Cast(Tensor t)
        {
            if (t.dtype == ScalarType.BFloat16) return t;
            if (!t.is_leaf) return t.to(ScalarType.BFloat16);
            bool grad = is_grad_enabled();
            var key = (t.storage<float>().data_ptr(), grad);
            if (_casts.TryGetValue(key, out var cast)) return cast;
            cast = t.to(ScalarType.BFloat16).DetachFromDisposeScope();   // kept for the region, whichever scope asked first
            _casts[key] = cast;
            return cast;
        }

        private readonly Dictionary<(IntPtr, bool), (Tensor Weight, Tensor? Bias)> _joined = new();

        /// <summary>
        /// The layers' weights (out_i, in) joined into one (Σ out_i, in) bf16 weight, and their biases likewise (null when
        /// they have none), made once per region and per gradient mode; gradients flow back to each layer's own weight.
        /// </summary>
        public (Tensor Weight, Tensor? Bias) Joined(IReadOnlyList<AdaptableLinear> layers)
        {
            bool grad = is_grad_enabled();
            var key = (layers[0].Weight.Handle, grad);   // a layer's Parameter is one object for the model's life; a group starts at its own first layer
            if (_joined.TryGetValue(key, out var joined)) return joined;
            using (var scope = NewDisposeScope())   // the per-layer casts: the joined tensors keep what their graph needs
            {
                var weight = cat(layers.Select(l => l.Weight.to(ScalarType.BFloat16)).ToArray(), 0).DetachFromDisposeScope();   // kept for the region
                var bias = layers.All(l => l.Bias is not null)
                    ? cat(layers.Select(l => l.Bias!.to(ScalarType.BFloat16)).ToArray(), 0).DetachFromDisposeScope()
                    : null;
                joined = (weight, bias);
            }
            _joined[key] = joined;
            return joined;
        }

        public void Dispose()
        {
            _current = null;
            foreach (var (w, b) in _joined.Values)
            {
                w.Dispose();
                b?.Dispose();
            }
            _joined.Clear();
            foreach (var c in _casts.Values) c.Dispose();
            _casts.Clear();
        }
    }

    private sealed class NoRegion : IDisposable
    {
        public static readonly NoRegion Instance = new();
        public void Dispose() { }
    }
}
