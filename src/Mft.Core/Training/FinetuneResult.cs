using Mft.Evaluation;

namespace Mft.Training;

/// <summary>What a finetuning job produced: where the model is, the final report and the S-D trajectory.</summary>
public sealed record FinetuneResult(string ModelDirectory, EvaluationPoint Final, IReadOnlyList<EvaluationPoint> Trajectory,
    TrainingState State, int TrainSamples, long TrainTokens, TimeSpan Elapsed)
{
    /// <summary>General-domain samples mixed in (replay).</summary>
    public int ReplaySamples { get; init; }
    public long TrainableParameters { get; init; }
    /// <summary>Memory held for the teacher beyond the student: a frozen copy (the model's fp32 size), the top-k cache's size, or 0 when the teacher is the base with adapters off.</summary>
    public long TeacherCopyBytes { get; init; }
}
