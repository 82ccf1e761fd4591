using Mft.Evaluation;

namespace Mft.Jobs;

/// <summary>A multiple-choice task's file and the base and tuned models' scores on it (<see cref="EvaluateJob"/>).</summary>
public sealed record TaskScores(string Path, ChoiceTaskResult Base, ChoiceTaskResult Tuned);
