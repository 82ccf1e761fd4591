namespace Mft.Training;

/// <summary>The trainer's position and bookkeeping, saved with each checkpoint (state.json).</summary>
public sealed record TrainingState
{
    public int Step { get; init; }
    public int TotalSteps { get; init; }
    public double BestValidationPerplexity { get; init; } = double.PositiveInfinity;
    public int BestStep { get; init; } = -1;
    public int EvaluationsWithoutImprovement { get; init; }
    public bool StoppedEarly { get; init; }
    public string RngState { get; init; } = "";
    /// <summary>Fingerprint of the data and settings, so a checkpoint is only resumed by the same run.</summary>
    public string RunFingerprint { get; init; } = "";
}
