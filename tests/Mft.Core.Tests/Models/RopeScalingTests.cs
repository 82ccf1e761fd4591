using Mft.Models.Layers;
using Mft.Models.Llama;

namespace Mft.Tests.Models;

public sealed class RopeScalingTests
{
    /// <summary>
    /// Llama 3.1's frequency-dependent scaling, restated from its definition: wavelengths shorter than
    /// original / high_freq_factor keep their frequency, longer than original / low_freq_factor are divided by the
    /// factor, and in between the two are blended by smooth = (original / wavelength - low) / (high - low).
    /// </summary>
    private static double Llama3(double freq, RopeScaling s)
    {
        double wavelength = 2 * Math.PI / freq, low = s.OriginalMaxPositions / s.LowFreqFactor, high = s.OriginalMaxPositions / s.HighFreqFactor;
        if (wavelength < high) return freq;
        if (wavelength > low) return freq / s.Factor;
        double smooth = (s.OriginalMaxPositions / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return (1 - smooth) * freq / s.Factor + smooth * freq;
    }

    [Theory]
    [InlineData(64, 500000.0, 8.0, 1.0, 4.0, 8192)]    // Llama 3.1 / 3.2
    [InlineData(128, 500000.0, 32.0, 1.0, 4.0, 8192)]  // Llama 3.2 1B/3B
    [InlineData(16, 10000.0, 4.0, 2.0, 8.0, 64)]       // small: every branch within a few frequencies
    public void Should_scale_inverse_frequencies_as_llama3_defines_it(int headDim, double theta, double factor, double low, double high, int original)
    {
        var scaling = new RopeScaling("llama3", factor, low, high, original);
        var rope = new RotaryEmbedding(headDim, theta, scaling);
        var expected = Enumerable.Range(0, headDim / 2).Select(i => Llama3(Math.Pow(theta, -2.0 * i / headDim), scaling)).ToArray();
        Assert.Equal(expected.Length, rope.InverseFrequencies.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], rope.InverseFrequencies[i], expected[i] * 1e-6);
        // the three branches all occur in the small case
        if (original == 64)
        {
            var plain = Enumerable.Range(0, headDim / 2).Select(i => Math.Pow(theta, -2.0 * i / headDim)).ToArray();
            Assert.Contains(Enumerable.Range(0, plain.Length), i => Math.Abs(expected[i] - plain[i]) < 1e-12);
            Assert.Contains(Enumerable.Range(0, plain.Length), i => Math.Abs(expected[i] - plain[i] / factor) < 1e-12);
            Assert.Contains(Enumerable.Range(0, plain.Length), i => expected[i] < plain[i] - 1e-12 && expected[i] > plain[i] / factor + 1e-12);
        }
    }

    [Fact]
    public void Should_divide_positions_by_the_linear_factor()
    {
        // Linear scaling: the angle at position p is (p / factor) x theta^(-2i/d), in both halves of the head
        var rope = new RotaryEmbedding(32, 10000, new RopeScaling("linear", 4, 0, 0, 0));
        var (cos, sin) = rope.CosSin(3, 10, TorchSharp.torch.CPU);                     // (10, 32) each
        var c = cos.data<float>().ToArray();
        var s = sin.data<float>().ToArray();
        for (int t = 0; t < 10; t++)
            for (int j = 0; j < 32; j++)
            {
                double angle = (3 + t) / 4.0 * Math.Pow(10000, -2.0 * (j % 16) / 32);
                Assert.Equal(Math.Cos(angle), c[t * 32 + j], 1e-5);
                Assert.Equal(Math.Sin(angle), s[t * 32 + j], 1e-5);
            }
    }
}
