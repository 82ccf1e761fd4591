using Mft.Evaluation;
using Mft.Models;
using TorchSharp.Modules;

namespace Mft.Training;

/// <summary>
/// The record of a rank other than 0 in data-parallel training (<see cref="DataParallel"/>): it reads the run's
/// checkpoint to resume like rank 0, and writes nothing (rank 0 writes steps, evaluations, checkpoints and best weights).
/// </summary>
public sealed class RootOnlyRecord(ITrainingRecord root) : ITrainingRecord
{
    public (TrainingState State, string Source)? LoadCheckpoint(CausalLM model, AdamW optimizer) => root.LoadCheckpoint(model, optimizer);
    public IReadOnlyList<EvaluationPoint> RewindTo(int step) => [];
    public void Step(StepMetrics metrics) { }
    public void Evaluation(EvaluationPoint point) { }
    public void SaveCheckpoint(CausalLM model, AdamW optimizer, TrainingState state) { }
    public void SaveBestWeights(CausalLM model) { }
}
