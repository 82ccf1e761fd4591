namespace Mft.Sweep;

/// <summary>
/// The one rule for choosing within a degeneralization budget: among evaluated (method, step) points of
/// seed-averaged trajectories, the one with the most specialization whose degeneralization stays within the budget
/// (0.02: general perplexity may rise at most 2%), on the test figures (the untuned report: optimistic by the
/// selection, a way to pick tau and step for a new run) or on the validation figures only (the tuned comparison,
/// <see cref="TunedComparison"/>). A run's own keep-best applies the same budget step by step, on its validation
/// perplexity (<see cref="Training.TrainerConfig.MaxDegeneralization"/>).
/// </summary>
public static class DegeneralizationBudget
{
    public sealed record Choice(MeanTrajectory Trajectory, MeanPoint Point)
    {
        public string Method => Trajectory.Method;
    }

    /// <summary>Which figures a choice is made on.</summary>
    public enum Figures { Test, Validation }

    public static Choice? Best(IEnumerable<MeanTrajectory> candidates, double maxDegeneralization, Figures on = Figures.Test) =>
        candidates.SelectMany(t => t.Points.Where(p => p.Step > 0 && Within(p, maxDegeneralization, on)).Select(p => new Choice(t, p)))
            .OrderByDescending(c => on == Figures.Test ? c.Point.S : c.Point.ValidationS).FirstOrDefault();

    private static bool Within(MeanPoint p, double maxD, Figures on) => on == Figures.Test
        ? p.D <= maxD
        : double.IsFinite(p.ValidationS) && p.ValidationD <= maxD;
}
