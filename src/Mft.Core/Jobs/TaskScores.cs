using Mft.Evaluation;

namespace Mft.Jobs;

/// <summary>A multiple-choice task's file and the base and tuned models' scores on it (<see cref="EvaluateJob"/>).</summary>
public sealed record TaskScores(string Path, ChoiceTaskResult Base, ChoiceTaskResult Tuned)
{
    /// <summary>Each task's base and tuned scores side by side, in the order of <paramref name="paths"/>.</summary>
    public static IReadOnlyList<TaskScores> Pair(IReadOnlyList<string> paths, IReadOnlyList<ChoiceTaskResult> baseScores, IReadOnlyList<ChoiceTaskResult> tuned) =>
        [.. paths.Select((path, i) => new TaskScores(path, baseScores[i], tuned[i]))];
}
