namespace Mft.Sweep;

/// <summary>
/// Chooses, among evaluated (method, step) points, the one with the most specialization whose degeneralization
/// stays within a budget (e.g. 0.02: general perplexity may rise at most 2%). The choice uses seed-averaged
/// test-set figures, so the reported S of the chosen point is optimistic by the selection; it is a way to pick
/// tau and step for a new run, not an unbiased estimate.
/// </summary>
public static class DegeneralizationBudget
{
    public sealed record Choice(string Method, MeanPoint Point);

    public static Choice? Best(IEnumerable<MeanTrajectory> candidates, double maxDegeneralization) =>
        candidates.SelectMany(t => t.Points.Where(p => p.Step > 0 && p.D <= maxDegeneralization).Select(p => new Choice(t.Method, p)))
            .OrderByDescending(c => c.Point.S).FirstOrDefault();
}
