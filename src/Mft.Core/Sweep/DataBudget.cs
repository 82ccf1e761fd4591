namespace Mft.Sweep;

/// <summary>
/// How much data a sweep run trains on and for how long. Step-matched budgets all train for the sweep's steps, so a
/// smaller budget repeats its samples more often; an epoch-matched budget trains a smaller budget for proportionally
/// fewer steps (steps x samples / largest budget), so that it passes over its data as often as the largest budget
/// does and the two differ in data, not in repetition.
/// </summary>
public sealed record DataBudget(int Samples, int Steps, bool EpochMatched) : IComparable<DataBudget>
{
    /// <summary>The budget's folder in the sweep: n500, or n500-epochs when epoch-matched.</summary>
    public string Folder => EpochMatched ? $"n{Samples}-epochs" : $"n{Samples}";

    public string Label => EpochMatched ? $"{Samples} samples, {Steps} steps (epoch-matched)" : $"{Samples} samples";

    public int CompareTo(DataBudget? other) => other is null ? 1
        : EpochMatched != other.EpochMatched ? EpochMatched.CompareTo(other.EpochMatched)
        : Samples.CompareTo(other.Samples);

    public override string ToString() => Folder;
}
