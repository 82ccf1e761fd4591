using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Runtime;

/// <summary>
/// The constant <see cref="Scalar"/>s the library passes to torch, made once and held for the process.
/// A number passed where TorchSharp takes a Scalar (<c>x.mul(0.5)</c>, <c>1.0 - p</c>, and TorchSharp's own
/// <c>a + b</c>, which adds with an implicit alpha of 1) becomes a Scalar that only its finalizer frees; once its handle
/// is in the native call nothing references it, so a collection during the call can free it while libtorch reads it
/// (docs/runtime.md). Static fields are never collected. Each has the type the implicit conversion would have made
/// (an int stays an Int32 Scalar), so type promotion and results are unchanged.
/// Values fixed per object are Scalar fields of that object; per-call values are <c>using var s = v.ToScalar()</c>.
/// Every Scalar is made with <c>ToScalar()</c>, never the implicit conversion, which a test forbids in this assembly
/// (ScalarConversionTests).
/// </summary>
public static class Scalars
{
    /// <summary>Int32 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Int32 1: the alpha of a plain addition (TorchSharp's <c>a + b</c> and <c>add(b)</c> pass this).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>Int32 2: squaring by <c>pow</c>.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>Double 0.</summary>
    public static readonly Scalar ZeroDouble = 0.0.ToScalar();

    /// <summary>Double 1.</summary>
    public static readonly Scalar OneDouble = 1.0.ToScalar();

    /// <summary>Double 0.5.</summary>
    public static readonly Scalar HalfDouble = 0.5.ToScalar();

    /// <summary>Double 1e-30: the floor under a probability before its log.</summary>
    public static readonly Scalar ProbabilityFloor = 1e-30.ToScalar();

    /// <summary>Double −∞, for masking logits.</summary>
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary>
    /// <c>arange(start, stop, ScalarType.Int64, device)</c> with held Scalars: TorchSharp's overload without a step
    /// passes an implicit Int32 1.
    /// </summary>
    public static Tensor Int64Range(long start, long stop, Device device)
    {
        using Scalar from = start.ToScalar(), to = stop.ToScalar();
        return arange(from, to, One, ScalarType.Int64, device);
    }

    /// <summary><c>1.0 - t</c> as TorchSharp's operator computes it (<c>-t + 1.0</c>), with held Scalars.</summary>
    public static Tensor OneMinus(Tensor t) => t.negative().add(OneDouble, One);
}
