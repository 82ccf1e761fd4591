using Mft.Evaluation;

namespace Mft.Demo;

/// <summary>
/// Compares two S-D trajectories at the same specialization: S* is the smaller of the two final S values, and
/// each run's degeneralization at S* is read off its trajectory by linear interpolation between evaluations.
/// The advantage is D_baseline(S*) / D_candidate(S*): how many times less general perplexity the candidate
/// gave up for the same domain gain (equal to the ratio of their S/D at S*).
/// </summary>
public sealed record MatchedComparison(double MatchedSpecialization, double BaselineD, double CandidateD)
{
    public double? Advantage => CandidateD > 0 && BaselineD > 0 ? BaselineD / CandidateD : null;

    public string Verdict => MatchedSpecialization <= 0 ? "no specialization to compare"
        : CandidateD <= 0 && BaselineD > 0 ? "candidate: no degeneralization at matched S"
        : BaselineD <= 0 ? "baseline: no degeneralization at matched S"
        : $"{Advantage:F2}x";

    public static MatchedComparison? Compare(IReadOnlyList<EvaluationPoint> baseline, IReadOnlyList<EvaluationPoint> candidate)
    {
        double sb = baseline[^1].Report.Specialization, sc = candidate[^1].Report.Specialization;
        double target = Math.Min(sb, sc);
        if (target <= 0) return null;
        var db = DegeneralizationAt(baseline, target);
        var dc = DegeneralizationAt(candidate, target);
        return db is double b && dc is double c ? new MatchedComparison(target, b, c) : null;
    }

    /// <summary>D where the trajectory first reaches specialization <paramref name="s"/>.</summary>
    public static double? DegeneralizationAt(IReadOnlyList<EvaluationPoint> points, double s) =>
        SdInterpolation.DegeneralizationAt(points.Select(p => (p.Report.Specialization, p.Report.Degeneralization)).ToList(), s);
}
