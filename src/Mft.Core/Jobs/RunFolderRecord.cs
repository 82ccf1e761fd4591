using Mft.Evaluation;
using Mft.Models;
using Mft.Runs;
using Mft.Training;
using TorchSharp.Modules;

namespace Mft.Jobs;

/// <summary>
/// A training run's record kept in its run folder, at the paths <see cref="RunLayout"/> names: metrics.jsonl
/// (<see cref="MetricsLog"/>), the checkpoint (<see cref="TrainingCheckpoint"/>) and the best weights
/// (<see cref="Training.BestWeights"/>). What the jobs give their <see cref="Trainer"/>.
/// </summary>
public sealed class RunFolderRecord(RunLayout layout) : ITrainingRecord
{
    /// <summary>The record in the run folder <paramref name="directory"/>.</summary>
    public RunFolderRecord(string directory) : this(new RunLayout(directory)) { }

    public RunLayout Layout => layout;

    public (TrainingState State, string Source)? LoadCheckpoint(CausalLM model, AdamW optimizer) =>
        TrainingCheckpoint.Find(layout.Directory) is { } dir ? (TrainingCheckpoint.Load(dir, model, optimizer), dir) : null;

    public IReadOnlyList<EvaluationPoint> RewindTo(int step)
    {
        MetricsLog.TruncateAfter(layout.Directory, step);
        return MetricsLog.ReadEvaluations(layout.Directory).ToList();
    }

    public void Step(StepMetrics metrics) => MetricsLog.Append(layout.Directory, metrics);

    public void Evaluation(EvaluationPoint point) => MetricsLog.AppendEvaluation(layout.Directory, point);

    public void SaveCheckpoint(CausalLM model, AdamW optimizer, TrainingState state) => TrainingCheckpoint.Save(layout.Directory, model, optimizer, state);

    public void SaveBestWeights(CausalLM model) => BestWeights.Save(layout.Directory, model);

    /// <summary>Loads the best weights into <paramref name="model"/>; false when none were saved.</summary>
    public bool RestoreBestWeights(CausalLM model) => BestWeights.TryRestore(layout.Directory, model);
}
