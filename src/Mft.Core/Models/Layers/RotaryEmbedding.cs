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
        var exponent = arange(0, headDim, 2, ScalarType.Int64).to_type(ScalarType.Float32) / headDim;
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
        var wavelen = 2 * Math.PI / invFreq;
        var scaled = where(wavelen > lowWavelen, invFreq / s.Factor, invFreq);
        var smooth = (s.OriginalMaxPositions / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        var smoothed = (1 - smooth) * scaled / s.Factor + smooth * scaled;
        var isMedium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
        return where(isMedium, smoothed, scaled);
    }

    /// <summary>cos and sin for positions [start, start + length), each (length, head_dim).</summary>
    public (Tensor Cos, Tensor Sin) CosSin(long start, long length, Device device)
    {
        var positions = arange(start, start + length, ScalarType.Int64, device).to_type(ScalarType.Float32);
        if (_positionScale != 1.0) positions = positions * (float)_positionScale;
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
        return x * cos + rotated * sin;
    }
}
