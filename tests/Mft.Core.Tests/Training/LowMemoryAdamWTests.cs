using Mft.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Tests.Training;

/// <summary>The low-memory step against TorchSharp's own AdamW: the same weights and moments, bit for bit.</summary>
public sealed class LowMemoryAdamWTests
{
    private static (float[][] Weights, float[][] Moments) Optimize(Func<IEnumerable<AdamW.ParamGroup>, AdamW> create) =>
        Optimize(create, (optimizer, _) => { optimizer.step(); return 0; }, out _);

    /// <summary>Four steps of the same losses (the third scaled by 1e-6), each taken by <paramref name="takeStep"/>, which returns a norm.</summary>
    private static (float[][] Weights, float[][] Moments) Optimize(Func<IEnumerable<AdamW.ParamGroup>, AdamW> create,
        Func<AdamW, Parameter[], double> takeStep, out List<double> norms)
    {
        norms = [];
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);   // not the global generator: other test classes draw from it in parallel
        // A matrix with an odd number of rows (slices of 2 rows leave a partial one), a vector, a scalar; two groups as the trainer makes them
        var matrix = new Parameter(randn([7, 5], generator: generator));
        var vector = new Parameter(randn([9], generator: generator));
        var scalar = new Parameter(randn([], generator: generator));
        var groups = new List<AdamW.ParamGroup>
        {
            new([matrix], 0.01, 0.9, 0.95, 1e-8, 0.1, false, false),
            new([vector, scalar], 0.01, 0.9, 0.95, 1e-8, 0.0, false, false),
        };
        using var optimizer = create(groups);
        for (int step = 0; step < 4; step++)
        {
            using var stepScope = NewDisposeScope();
            foreach (var group in optimizer.ParamGroups) group.LearningRate = 0.01 * (step + 1);
            var loss = (matrix.pow(3).sum() + (vector.sin() * 3).sum() + scalar.exp()).mul(step == 2 ? 1e-6 : 1.0);
            loss.backward();
            norms.Add(takeStep(optimizer, [matrix, vector, scalar]));
            foreach (var p in new[] { matrix, vector, scalar }) p.grad = null;
        }
        var state = optimizer.state_dict().State.Cast<AdamW.State>().ToList();
        return ([.. new[] { matrix, vector, scalar }.Select(p => p.data<float>().ToArray())],
                [.. state.SelectMany(s => new[] { s.exp_avg.data<float>().ToArray(), s.exp_avg_sq.data<float>().ToArray() })]);
    }

    [Theory]
    [InlineData(1L << 24)]  // every parameter in one slice
    [InlineData(10L)]       // the matrix in slices of 2 rows of 5, the vector in slices of 10 elements: one
    [InlineData(1L)]        // one row, one element at a time
    public void Should_update_exactly_as_TorchSharps_AdamW(long sliceElements)
    {
        var (expectedWeights, expectedMoments) = Optimize(groups => new AdamW(groups, 0.01, 0.9, 0.95, 1e-8, 0.1));
        var (weights, moments) = Optimize(groups => new LowMemoryAdamW(groups, 0.01, 0.9, 0.95, 1e-8, 0.1, sliceElements));
        for (int i = 0; i < expectedWeights.Length; i++) Assert.Equal(expectedWeights[i], weights[i]);
        Assert.Equal(expectedMoments.Length, moments.Length);
        for (int i = 0; i < expectedMoments.Length; i++) Assert.Equal(expectedMoments[i], moments[i]);
        // and the weights did move: the comparison is not between two untouched copies
        using var generator = new Generator(3);
        Assert.NotEqual(randn([7, 5], generator: generator).data<float>().ToArray(), weights[0]);
    }

    [Theory]
    [InlineData(1.0, 1L << 24)]    // clipped at every step but the third (whose loss is scaled by 1e-6)
    [InlineData(1.0, 10L)]
    [InlineData(1e6, 10L)]         // never clipped: the scale is 1
    public void Should_clip_in_the_step_exactly_as_clip_grad_norm_before_it(double maxNorm, long sliceElements)
    {
        var (expectedWeights, expectedMoments) = Optimize(groups => new AdamW(groups, 0.01, 0.9, 0.95, 1e-8, 0.1),
            (optimizer, parameters) => { double n = nn.utils.clip_grad_norm_(parameters, maxNorm, 2.0); optimizer.step(); return n; }, out var expectedNorms);
        var (weights, moments) = Optimize(groups => new LowMemoryAdamW(groups, 0.01, 0.9, 0.95, 1e-8, 0.1, sliceElements),
            (optimizer, parameters) =>
            {
                var (n, scale) = GradientClipping.Measure(parameters, maxNorm);
                ((LowMemoryAdamW)optimizer).Step(scale);
                scale?.Dispose();
                return n;
            }, out var norms);
        Assert.Equal(expectedNorms, norms);
        for (int i = 0; i < expectedWeights.Length; i++) Assert.Equal(expectedWeights[i], weights[i]);
        for (int i = 0; i < expectedMoments.Length; i++) Assert.Equal(expectedMoments[i], moments[i]);
        // the first case did clip: its weights differ from an unclipped run's
        var (unclipped, _) = Optimize(groups => new AdamW(groups, 0.01, 0.9, 0.95, 1e-8, 0.1));
        Assert.Equal(maxNorm < 10, !unclipped[0].SequenceEqual(weights[0]));
        Assert.True(norms[0] > 1.0 && norms[2] < 1.0, $"norms {string.Join(", ", norms)}: the test needs one step below 1 and others above");
    }

    [Fact]
    public void Should_skip_parameters_without_a_gradient()
    {
        using var scope = NewDisposeScope();
        var unused = new Parameter(ones(3));
        using var optimizer = new LowMemoryAdamW([new AdamW.ParamGroup([unused], 0.1, 0.9, 0.95, 1e-8, 0.1, false, false)], 0.1, 0.9, 0.95, 1e-8, 0.1);
        optimizer.step();
        Assert.Equal([1f, 1f, 1f], unused.data<float>().ToArray());
    }
}
