namespace Mft.Sweep;

/// <summary>
/// A method's scores on the sweep's first task file (the general task in the committed sweeps) on one domain and
/// budget, averaged over seeds: acc and acc_norm of the base model and of the returned weights, and their changes.
/// </summary>
public sealed record MeanTaskScores(string Task, int Items, double AccuracyBase, double Accuracy, double NormalizedAccuracyBase, double NormalizedAccuracy)
{
    public double AccuracyChange => Accuracy - AccuracyBase;
    public double NormalizedAccuracyChange => NormalizedAccuracy - NormalizedAccuracyBase;

    /// <summary>The seed means of the runs' first task; null when the runs scored no tasks.</summary>
    public static MeanTaskScores? Of(IReadOnlyList<SweepRun> runs)
    {
        if (runs.Count == 0 || runs.Any(r => r.Tasks.Count == 0)) return null;
        var first = runs.Select(r => r.Tasks[0]).ToList();
        return new MeanTaskScores(Path.GetFileName(first[0].Path), first[0].Base.Items, first.Average(t => t.Base.Accuracy), first.Average(t => t.Tuned.Accuracy),
            first.Average(t => t.Base.NormalizedAccuracy), first.Average(t => t.Tuned.NormalizedAccuracy));
    }
}
