using Mft.Evaluation;

namespace Mft.Sweep;

/// <summary>One cell of the grid: a method trained on one domain at one data budget with one seed.</summary>
public sealed record SweepRun(string Domain, DataBudget Budget, int Seed, string Method, int TrainSamples, long TrainableParameters,
    IReadOnlyList<EvaluationPoint> Trajectory, double Seconds)
{
    public EvaluationPoint Final => Trajectory[^1];

    /// <summary>Each task file's scores of the base model and of the run's returned weights; empty when the sweep scores no tasks.</summary>
    public IReadOnlyList<Jobs.TaskScores> Tasks { get; init; } = [];

    /// <summary>The run's name in progress reports, as its cell's (<see cref="SweepCell.Label"/>).</summary>
    public string Label => SweepCell.LabelOf(Domain, Budget, Seed, Method);
}
