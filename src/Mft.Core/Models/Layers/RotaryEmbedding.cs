using TorchSharp;
using static Mft.Runtime.Scalars;
using Mft.Models.Llama;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>
/// Rotary position embedding (Su et al. 2021) in Hugging Face's rotate-half layout: the head dimension is split
/// into two halves, and cos/sin of (position x inv_freq) repeat across both halves. Frequencies are computed in
/// fp32 exactly as transformers' LlamaRotaryEmbedding does, including linear and llama3 scaling.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly float[] _invFreq;
    private readonly double _positionScale;

    public RotaryEmbedding(int headDim, double theta, RopeScaling? scaling)
    {
        using var scope = NewDisposeScope();
        using var dim = headDim.ToScalar();
        var exponent = arange(Zero, dim, Two, ScalarType.Int64).to_type(ScalarType.Float32).div(dim);
        var invFreq = pow(tensor((float)theta), exponent).reciprocal();        // (hd/2,)
        _positionScale = 1.0;
        if (scaling?.Type == "linear") _positionScale = 1.0 / scaling.Factor;
        if (scaling?.Type == "llama3") invFreq = Llama3Scale(invFreq, scaling);
        _invFreq = invFreq.data<float>().ToArray();
    }

    /// <summary>The per-pair rotation frequencies, (head_dim / 2), after llama3 scaling where configured.</summary>
    public IReadOnlyList<float> InverseFrequencies => _invFreq;

    private static Tensor Llama3Scale(Tensor invFreq, RopeScaling s)
    {
        double lowWavelen = s.OriginalMaxPositions / s.LowFreqFactor;
        double highWavelen = s.OriginalMaxPositions / s.HighFreqFactor;
        using Scalar twoPi = (2 * Math.PI).ToScalar(), low = lowWavelen.ToScalar(), high = highWavelen.ToScalar(),
            factor = s.Factor.ToScalar(), originalMax = s.OriginalMaxPositions.ToScalar(), lowFactor = s.LowFreqFactor.ToScalar(),
            factorSpan = (s.HighFreqFactor - s.LowFreqFactor).ToScalar();
        var wavelen = invFreq.reciprocal().mul(twoPi);
        var scaled = where(wavelen > low, invFreq.div(factor), invFreq);
        var smooth = wavelen.reciprocal().mul(originalMax).sub(lowFactor).div(factorSpan);
        var smoothed = (smooth.negative().add(One, One) * scaled).div(factor).add(smooth * scaled, One);
        var isMedium = (wavelen >= high).logical_and(wavelen <= low);
        return where(isMedium, smoothed, scaled);
    }

    /// <summary>cos and sin for positions [start, start + length), each (length, head_dim).</summary>
    public (Tensor Cos, Tensor Sin) CosSin(long start, long length, Device device)
    {
        var positions = Int64Range(start, start + length, device).to_type(ScalarType.Float32);
        if (_positionScale != 1.0)
        {
            using var scale = ((float)_positionScale).ToScalar();
            positions = positions.mul(scale);
        }
        var invFreq = tensor(_invFreq, device: device);
        var freqs = outer(positions, invFreq);                                 // (T, hd/2)
        var emb = cat([freqs, freqs], -1);                                     // (T, hd)
        return (emb.cos(), emb.sin());
    }

    /// <summary>x * cos + rotate_half(x) * sin, for x (B, H, T, hd) and cos/sin (T, hd).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        var x1 = x[.., .., .., ..(int)half];
        var x2 = x[.., .., .., (int)half..];
        var rotated = cat([-x2, x1], -1);                                      // (B, H, T, hd)
        return (x * cos).add(rotated * sin, One);
    }
}
