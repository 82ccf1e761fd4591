namespace Mft.Evaluation;

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

    public static MatchedComparison? Compare(IReadOnlyList<EvaluationPoint> baseline, IReadOnlyList<EvaluationPoint> candidate) =>
        Compare(Sd(baseline), Sd(candidate));

    /// <summary>The same over (S, D) points in step order, such as seed-mean trajectories.</summary>
    public static MatchedComparison? Compare(IReadOnlyList<(double S, double? D)> baseline, IReadOnlyList<(double S, double? D)> candidate)
    {
        double target = Math.Min(baseline[^1].S, candidate[^1].S);
        if (target <= 0) return null;
        return SdInterpolation.DegeneralizationAt(baseline, target) is double b && SdInterpolation.DegeneralizationAt(candidate, target) is double c
            ? new MatchedComparison(target, b, c) : null;
    }

    /// <summary>D where the trajectory first reaches specialization <paramref name="s"/>.</summary>
    public static double? DegeneralizationAt(IReadOnlyList<EvaluationPoint> points, double s) => SdInterpolation.DegeneralizationAt(Sd(points), s);

    private static List<(double S, double? D)> Sd(IReadOnlyList<EvaluationPoint> points) =>
        [.. points.Select(p => (p.Report.Specialization, p.Report.Degeneralization))];
}
