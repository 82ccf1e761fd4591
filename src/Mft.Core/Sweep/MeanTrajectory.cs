namespace Mft.Sweep;

/// <summary>
/// One evaluation step of a method, averaged over seeds: mean and sample standard deviation of S and D on the test
/// sets, and the means of S and D on the validation sets when the runs have them (NaN otherwise).
/// </summary>
public sealed record MeanPoint(int Step, double S, double SStd, double D, double DStd, double DomainPpl, double GeneralPpl)
{
    public double ValidationS { get; init; } = double.NaN;
    public double ValidationD { get; init; } = double.NaN;

    /// <summary>S/D of the means; null when D ≤ 0 (no degeneralization).</summary>
    public double? Ratio => D > 0 ? S / D : null;
}

/// <summary>A method's trajectory on one domain and budget, averaged over the seeds that ran.</summary>
public sealed record MeanTrajectory(string Domain, DataBudget Budget, string Method, int Seeds, IReadOnlyList<MeanPoint> Points, double Seconds, int TrainSamples, long TrainableParameters)
{
    public MeanPoint Final => Points[^1];

    /// <summary>The returned weights' scores on the sweep's first task file, seed means; null without tasks.</summary>
    public MeanTaskScores? Task { get; init; }

    public static IReadOnlyList<MeanTrajectory> Of(IReadOnlyList<SweepRun> runs) =>
        runs.GroupBy(r => (r.Domain, r.Budget, r.Method)).Select(g =>
        {
            var list = g.ToList();
            var steps = list.Select(r => r.Trajectory.Select(p => p.Step)).Aggregate((a, b) => a.Intersect(b)).Order().ToList();
            var points = steps.Select(step =>
            {
                var at = list.Select(r => r.Trajectory.First(p => p.Step == step)).ToList();
                var s = at.Select(p => p.Report.Specialization).ToList();
                var d = at.Select(p => p.Report.Degeneralization ?? 0).ToList();
                return new MeanPoint(step, s.Average(), Std(s), d.Average(), Std(d), at.Average(p => p.DomainTest), at.Average(p => p.General ?? double.NaN))
                {
                    ValidationS = at.Average(p => p.Validation?.Specialization ?? double.NaN),
                    ValidationD = at.Average(p => p.Validation?.Degeneralization ?? double.NaN),
                };
            }).ToList();
            return new MeanTrajectory(g.Key.Domain, g.Key.Budget, g.Key.Method, list.Count, points, list.Average(r => r.Seconds),
                (int)list.Average(r => r.TrainSamples), list[0].TrainableParameters) { Task = MeanTaskScores.Of(list) };
        }).ToList();

    /// <summary>Sample standard deviation (n - 1); 0 for fewer than two values.</summary>
    public static double Std(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return 0;
        double mean = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
    }
}
