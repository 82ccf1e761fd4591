using Mft.Objectives;
using static TorchSharp.torch;

namespace Mft.Tests.Objectives;

public sealed class ObjectiveTests
{
    static ObjectiveTests() => Mft.Runtime.TorchRuntime.EnsureInitialized();

    private static (Tensor S, Tensor T, Tensor Y, Tensor M) Batch(int n = 64, int v = 37, long seed = 5, ScalarType dtype = ScalarType.Float32)
    {
        manual_seed(seed);
        return (randn(n, v, dtype) * 3, randn(n, v, dtype) * 3, randint(0, v, [n]), ones(n, dtype: dtype));
    }

    [Fact]
    public void Should_equal_cross_entropy_at_tau_one()
    {
        var (s, t, y, m) = Batch();
        var mft = new MftObjective(1.0).LossSum(s, t, y, m).item<float>();
        var ft = new CrossEntropyObjective().LossSum(s, t, y, m).item<float>();
        Assert.True(Math.Abs(mft - ft) / Math.Abs(ft) < 1e-5, $"mft {mft} vs ft {ft}");
    }

    [Fact]
    public void Should_give_zero_kd_loss_for_a_model_against_itself()
    {
        var (s, _, y, m) = Batch();
        Assert.True(Math.Abs(new KdObjective().LossSum(s, s, y, m).item<float>()) < 1e-4);
        Assert.True(Math.Abs(new KdObjective(2.0).LossSum(s, s, y, m).item<float>()) < 1e-4);
    }

    [Theory]
    [InlineData("ft")]
    [InlineData("mft")]
    [InlineData("kd")]
    public void Should_ignore_masked_tokens(string method)
    {
        // Given a batch where half the tokens are masked, and those tokens are then changed arbitrarily
        var (s, t, y, _) = Batch();
        var mask = cat([ones(32), zeros(32)]);
        var objective = TrainingMethod.Of(method).Create(tau: 0.3);
        var before = objective.LossSum(s, t, y, mask).item<float>();
        var s2 = s.clone(); s2[32..] = randn(32, 37) * 10;
        var y2 = y.clone(); y2[32..] = zeros(32, ScalarType.Int64);
        // Then
        Assert.Equal(before, objective.LossSum(s2, t, y2, mask).item<float>(), 3);
        Assert.Equal(before, objective.LossSum(s[..32], t[..32], y[..32], ones(32)).item<float>(), 3);
    }

    /// <summary>Independent loops: q from the rule, then Σ q (log q - log s), T² scaled.</summary>
    private static double NaiveMft(double[] teacher, double[] student, int y, double tau, double temp)
    {
        double[] Softmax(double[] z) { var e = z.Select(x => Math.Exp(x / temp - z.Max() / temp)).ToArray(); var sum = e.Sum(); return e.Select(x => x / sum).ToArray(); }
        var p = Softmax(teacher);
        var s = Softmax(student);
        int a = Array.IndexOf(p, p.Max());
        double lam = a != y ? (p[a] - p[y] + tau) / (1 + p[a] - p[y] + 1e-7)
            : ((p[y] > 1 - tau ? 1 : p[y] + tau) - p[y]) / (1 - p[y] + 1e-7);
        double kl = 0;
        for (int v = 0; v < p.Length; v++)
        {
            double q = (1 - lam) * p[v] + (v == y ? lam : 0);
            if (q > 0) kl += q * (Math.Log(q) - Math.Log(s[v]));
        }
        return kl * temp * temp;
    }

    [Theory]
    [InlineData(0.2, 1.0)]
    [InlineData(0.05, 1.0)]
    [InlineData(0.5, 2.0)]
    [InlineData(0.0, 0.7)]
    public void Should_match_a_naive_loop_per_token(double tau, double temperature)
    {
        var (s, t, y, m) = Batch(48, 13, 11, ScalarType.Float64);
        var loss = new MftObjective(tau, temperature).LossSum(s, t, y, m).item<double>();
        double expected = 0;
        for (int i = 0; i < 48; i++)
            expected += NaiveMft(t[i].data<double>().ToArray(), s[i].data<double>().ToArray(), (int)y[i].item<long>(), tau, temperature);
        Assert.Equal(expected, loss, 9);
    }

    [Fact]
    public void Should_stay_finite_for_extreme_logits()
    {
        // Given teacher logits that put p[y] at 0 or 1 in float32
        var t = tensor(new float[] { 200, -200, 0, -200, 200, 0, 50, 50, -1000 }, [3, 3]);
        var s = tensor(new float[] { -300, 300, 0, 0, 0, 0, 1000, -1000, 0 }, [3, 3]);
        var y = tensor(new long[] { 1, 1, 2 });
        foreach (var tau in new[] { 0.0, 0.2, 1.0 })
        {
            var loss = new MftObjective(tau).LossSum(s.requires_grad_(true), t, y, ones(3));
            loss.backward();
            Assert.True(double.IsFinite(loss.item<float>()), $"tau {tau}: {loss.item<float>()}");
            Assert.True(s.grad!.isfinite().all().item<bool>());
            s.grad.zero_();
        }
    }

    [Fact]
    public void Should_report_correction_diagnostics()
    {
        // Given two tokens: one wrong-argmax, one confident right (capped at tau 0.2)
        var t = tensor(new double[] { Math.Log(0.5), Math.Log(0.3), Math.Log(0.2), Math.Log(0.9), Math.Log(0.06), Math.Log(0.04) }, [2, 3]);
        var stats = new TokenStatistics();
        new MftObjective(0.2).LossSum(zeros(2, 3, ScalarType.Float64), t, tensor(new long[] { 1, 0 }), ones(2, dtype: ScalarType.Float64), stats);
        Assert.Equal(2, stats.Tokens);
        Assert.Equal(0.5, stats.WrongShare);
        Assert.Equal(0.5, stats.CappedShare);
        Assert.Equal((1.0 / 3 + 1.0) / 2, stats.MeanMix, 1e-5);
        Assert.Equal(1.0, stats.MixPercentile(0.95), 1e-5);
    }

    [Fact]
    public void Should_report_the_students_label_perplexity_for_every_objective()
    {
        // Given: for ft the loss is the mean label NLL, so the statistic must equal exp(loss)
        var (s, t, y, m) = Batch();
        var ce = new TokenStatistics();
        var loss = new CrossEntropyObjective().LossSum(s, t, y, m, ce).item<float>() / 64;
        Assert.Equal(Math.Exp(loss), ce.TrainPerplexity, 3);
        // and MFT reports the same student perplexity on the same logits
        var mft = new TokenStatistics();
        new MftObjective(0.2).LossSum(s, t, y, m, mft);
        Assert.Equal(ce.TrainPerplexity, mft.TrainPerplexity, 3);
    }
}
