using Mft.Evaluation;
using Mft.Models;
using TorchSharp.Modules;

namespace Mft.Training;

/// <summary>
/// Where a training run keeps what outlives a step: the <see cref="Trainer"/> reports each step, each evaluation, its
/// checkpoints and its best weights here, and reads a checkpoint back to resume. The trainer writes no file itself;
/// the job that drives it chooses where this goes (<c>Jobs.RunFolderRecord</c>: a run folder, as <c>Runs.RunLayout</c>
/// names it).
/// </summary>
public interface ITrainingRecord
{
    /// <summary>
    /// The checkpoint to continue from, loaded into <paramref name="model"/> and <paramref name="optimizer"/>: its state
    /// and where it was read (errors name it); null when there is none.
    /// </summary>
    (TrainingState State, string Source)? LoadCheckpoint(CausalLM model, AdamW optimizer);

    /// <summary>Forgets what was recorded after <paramref name="step"/> (work a resumed run redoes); returns the evaluations kept, in order.</summary>
    IReadOnlyList<EvaluationPoint> RewindTo(int step);

    /// <summary>A finished optimizer step.</summary>
    void Step(StepMetrics metrics);

    /// <summary>An evaluation (the base model's at step 0 first).</summary>
    void Evaluation(EvaluationPoint point);

    /// <summary>A resumable checkpoint, replacing the previous one whole.</summary>
    void SaveCheckpoint(CausalLM model, AdamW optimizer, TrainingState state);

    /// <summary>The weights of the best evaluation so far (keep-best), replacing the previous best.</summary>
    void SaveBestWeights(CausalLM model);
}
