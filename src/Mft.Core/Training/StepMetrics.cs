namespace Mft.Training;

/// <summary>One optimizer step as logged to metrics.jsonl.</summary>
public sealed record StepMetrics(int Step, double Loss, double LearningRate, double GradNorm, double TokensPerSecond, long Tokens,
    double? TrainPerplexity, double? ArgmaxWrongShare, double? MixMean, double? MixP95, double? CappedShare, bool Skipped = false);
