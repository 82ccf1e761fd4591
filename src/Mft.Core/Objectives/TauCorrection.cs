using TorchSharp;
using static TorchSharp.torch;
using static Mft.Runtime.Scalars;

namespace Mft.Objectives;

/// <summary>
/// The minifinetuning correction (arXiv 2506.15702): per token, how far the teacher's distribution p is moved
/// toward the one-hot label y, as a mixing weight m in [0, 1] with q = (1 - m) p + m onehot(y).
/// With a = argmax p: if a != y, m = (p[a] - p[y] + tau) / (1 + p[a] - p[y]), which makes q[y] exceed q[a] by
/// tau; if a == y, the label's probability is raised to c = p[y] + tau, or to c = 1 when p[y] &gt; 1 - tau, and
/// m = (c - p[y]) / (1 - p[y]). tau = 1 gives one-hot targets (plain finetuning).
/// As in the paper's reference implementation (ModelOpt's MFTLoss), <see cref="Epsilon"/> is added to both
/// denominators; this moves any q by at most 1e-7 and keeps the capped case (1 - p[y]) / (1 - p[y]) defined
/// when p[y] rounds to 1.
/// </summary>
public static class TauCorrection
{
    /// <summary>Added to the correction's denominators, as in the reference implementation.</summary>
    public const double Epsilon = 1e-7;

    private static readonly Scalar EpsilonScalar = Epsilon.ToScalar();

    /// <summary>A mix at or above this counts as capped (1 - 1e-6).</summary>
    private static readonly Scalar AlmostOne = (1.0 - 1e-6).ToScalar();

    /// <summary>The one check of tau's range, for every place that takes one: <paramref name="key"/> names the option in the error.</summary>
    public static double RequireValid(double tau, string key = "tau") =>
        tau is >= 0 and <= 1 ? tau : throw new OptionException(key, $"must be in [0, 1], got {tau}");

    /// <summary>Per-token results, all (N,).</summary>
    public sealed record Result(Tensor Mix, Tensor ArgmaxWrong, Tensor Capped);

    /// <param name="teacherLogProbs">log softmax of the teacher's (temperature-scaled) logits, (N, V).</param>
    /// <param name="labels">(N,) int64.</param>
    /// <param name="tau">correction strength in [0, 1].</param>
    /// <param name="correctAll">false corrects only tokens whose teacher argmax is wrong (m = 0 elsewhere).</param>
    public static Result Compute(Tensor teacherLogProbs, Tensor labels, double tau, bool correctAll = true)
    {
        RequireValid(tau);
        using var _ = no_grad();
        using Scalar t = tau.ToScalar(), oneMinusTau = (1.0 - tau).ToScalar();
        var (logPa, argmax) = teacherLogProbs.max(-1);                                  // (N,), (N,)
        var pa = logPa.exp();
        var py = teacherLogProbs.gather(-1, labels.unsqueeze(-1)).squeeze(-1).exp();    // (N,)
        var wrong = argmax.ne(labels);                                                  // (N,)
        var gap = pa - py;
        var mixWrong = gap.add(t, One).div(gap.add(OneDouble, One).add(EpsilonScalar, One));
        var capped = wrong.logical_not().logical_and(py > oneMinusTau);
        var raised = where(capped, ones_like(py), py.add(t, One));                     // c
        var mixRight = (raised - py).div(OneMinus(py).add(EpsilonScalar, One));
        if (!correctAll) { mixRight = zeros_like(py); capped = zeros_like(capped); }
        var mix = where(wrong, mixWrong, mixRight).clamp(ZeroDouble, OneDouble);
        return new Result(mix, wrong, capped.logical_or(wrong.logical_and(mix >= AlmostOne)));
    }

    /// <summary>The corrected distribution q itself, (N, V). For tests and inspection; the loss never builds it.</summary>
    public static Tensor Distribution(Tensor teacherLogProbs, Tensor labels, Tensor mix)
    {
        var p = teacherLogProbs.exp();
        var oneHot = nn.functional.one_hot(labels, p.shape[^1]).to_type(p.dtype);
        var m = mix.unsqueeze(-1);
        return (OneMinus(m) * p).add(m * oneHot, One);
    }
}
