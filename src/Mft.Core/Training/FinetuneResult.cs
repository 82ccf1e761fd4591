using Mft.Evaluation;

namespace Mft.Training;

/// <summary>What a finetuning job produced: where the model is, the final report and the S-D trajectory.</summary>
public sealed record FinetuneResult(string ModelDirectory, EvaluationPoint Final, IReadOnlyList<EvaluationPoint> Trajectory,
    TrainingState State, int TrainSamples, long TrainTokens, TimeSpan Elapsed);
