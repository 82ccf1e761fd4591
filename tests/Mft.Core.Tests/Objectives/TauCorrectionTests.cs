using Mft.Objectives;
using static TorchSharp.torch;

namespace Mft.Tests.Objectives;

public sealed class TauCorrectionTests
{
    static TauCorrectionTests() => Mft.Runtime.TorchRuntime.EnsureInitialized();

    private static (double[] Q, double Mix) Correct(double[] p, int y, double tau, bool correctAll = true)
    {
        var logP = tensor(p.Select(x => Math.Log(x)).ToArray(), [1, p.Length], ScalarType.Float64);
        var labels = tensor(new long[] { y });
        var r = TauCorrection.Compute(logP, labels, tau, correctAll);
        var q = TauCorrection.Distribution(logP, labels, r.Mix);
        return (q.data<double>().ToArray(), r.Mix.item<double>());
    }

    [Fact]
    public void Should_put_the_label_tau_above_the_old_argmax_when_the_argmax_is_wrong()
    {
        // Given p = [0.5, 0.3, 0.2], label 1, tau 0.2: m = (0.5 - 0.3 + 0.2) / (1 + 0.5 - 0.3) = 1/3 (by hand)
        var (q, m) = Correct([0.5, 0.3, 0.2], 1, 0.2);
        // Then
        Assert.Equal(1.0 / 3, m, 1e-6);
        Assert.Equal(new[] { 1.0 / 3, 0.3 * 2 / 3 + 1.0 / 3, 0.2 * 2 / 3 }, q, new Tol(1e-6));
        Assert.Equal(0.2, q[1] - q[0], 1e-6);
        Assert.Equal(1.0, q.Sum(), 1e-12);
    }

    [Fact]
    public void Should_raise_a_right_label_by_tau_and_keep_the_rest_proportional()
    {
        // Given p = [0.6, 0.3, 0.1], label 0, tau 0.2: q[0] = 0.8, m = 0.2 / 0.4 = 0.5
        var (q, m) = Correct([0.6, 0.3, 0.1], 0, 0.2);
        Assert.Equal(0.5, m, 1e-6);
        Assert.Equal(0.8, q[0], 1e-6);
        Assert.Equal(0.3 / 0.1, q[1] / q[2], 12);
        Assert.Equal(1.0, q.Sum(), 1e-12);
    }

    [Fact]
    public void Should_cap_a_confident_right_label_at_one_hot()
    {
        var (q, m) = Correct([0.9, 0.06, 0.04], 0, 0.2);
        Assert.Equal(1.0, m, 1e-5);
        Assert.Equal(new[] { 1.0, 0, 0 }, q, new Tol(1e-7));
    }

    [Fact]
    public void Should_leave_right_tokens_alone_when_correcting_only_wrong_ones()
    {
        var (q, m) = Correct([0.6, 0.3, 0.1], 0, 0.2, correctAll: false);
        Assert.Equal(0.0, m);
        Assert.Equal(new[] { 0.6, 0.3, 0.1 }, q, new Tol(1e-12));
        var (_, mWrong) = Correct([0.5, 0.3, 0.2], 1, 0.2, correctAll: false);
        Assert.Equal(1.0 / 3, mWrong, 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void Should_satisfy_the_rule_on_random_distributions(double tau)
    {
        // Given
        manual_seed(3);
        var logits = randn(400, 11, ScalarType.Float64) * 2.5;
        var labels = randint(0, 11, [400]);
        var logP = nn.functional.log_softmax(logits, -1);
        // When
        var r = TauCorrection.Compute(logP, labels, tau);
        var q = TauCorrection.Distribution(logP, labels, r.Mix);
        var p = logP.exp();
        // Then, token by token
        for (int i = 0; i < 400; i++)
        {
            var pi = p[i].data<double>().ToArray();
            var qi = q[i].data<double>().ToArray();
            int y = (int)labels[i].item<long>();
            int a = Array.IndexOf(pi, pi.Max());
            Assert.Equal(1.0, qi.Sum(), 1e-10);
            if (a != y) Assert.Equal(tau, qi[y] - qi[a], 1e-6);
            else Assert.Equal(Math.Min(1.0, pi[y] + tau), qi[y], 1e-6);
            for (int v = 0; v < 11; v++)
                if (v != y && pi[v] > 1e-12) Assert.Equal((1 - r.Mix[i].item<double>()), qi[v] / pi[v], 8);
        }
    }

    private sealed class Tol(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double x) => 0;
    }
}
