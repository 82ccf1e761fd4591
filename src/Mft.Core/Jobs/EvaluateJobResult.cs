using Mft.Evaluation;

namespace Mft.Jobs;

/// <summary>What <c>mft evaluate</c> measured: S and D from perplexities (null without domain data) and the scores on each task file, in the order given.</summary>
public sealed record EvaluateJobResult(SpecializationReport? Perplexity, IReadOnlyList<TaskScores> Tasks);
