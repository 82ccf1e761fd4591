using Mft.Distributed;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// A training step split over the ranks of a group, as DDP splits it: the global batch of a step is
/// <c>grad_accum x ranks</c> micro-batches of <c>batch_size</c> rows, the micro-batches the one-process run with
/// accumulation over that many would take, in the same order; rank r computes its <c>grad_accum</c> consecutive ones
/// (<see cref="Split"/>), the whole-micro-batch gradients are summed over the ranks (<see cref="GradientAllReduce"/>), and
/// every rank then clips and steps the same gradient. Rank 0 alone evaluates, and tells the others what the evaluation
/// decided (<see cref="OnRoot"/>). In a single process all of this is the plain loop.
/// </summary>
public sealed class DataParallel(IProcessGroup group, int gradientAccumulation)
{
    private readonly GradientAllReduce _allReduce = new(group);

    public IProcessGroup Group => group;

    /// <summary>Micro-batches in one optimizer step over all ranks.</summary>
    public int MicroBatchesPerStep => gradientAccumulation * group.Size;

    /// <summary>
    /// The micro-batches of <paramref name="step"/> (<paramref name="microBatch"/> of each index in the endless stream),
    /// all of them (every rank normalises by their targets) and this rank's <c>grad_accum</c> consecutive ones among them.
    /// </summary>
    public (IReadOnlyList<T> All, IReadOnlyList<T> Mine) Split<T>(int step, Func<int, T> microBatch)
    {
        var all = Enumerable.Range(step * MicroBatchesPerStep, MicroBatchesPerStep).Select(microBatch).ToList();
        return (all, all.GetRange(group.Rank * gradientAccumulation, gradientAccumulation));
    }

    /// <summary>Sums the parameters' gradients over the ranks.</summary>
    public void SumGradients(IReadOnlyList<Tensor> parameters) => _allReduce.Sum(parameters);

    /// <summary>This rank's loss sum and token count summed over the ranks.</summary>
    public (double LossSum, long Tokens) Sum(double lossSum, long tokens)
    {
        Span<double> values = [lossSum, tokens];
        group.SumInPlace(values);
        return (values[0], (long)values[1]);
    }

    /// <summary>
    /// Runs <paramref name="evaluate"/> on rank 0 only (the others wait) and gives every rank the state it decided: the
    /// best step and perplexity, evaluations without improvement, and whether to stop early.
    /// </summary>
    public TrainingState OnRoot(TrainingState state, Func<TrainingState, TrainingState> evaluate)
    {
        if (group.Size == 1) return evaluate(state);
        if (group.IsRoot) state = evaluate(state);
        Span<double> decided = [state.BestValidationPerplexity, state.BestStep, state.EvaluationsWithoutImprovement, state.StoppedEarly ? 1 : 0];
        group.BroadcastFromRoot(decided);
        return state with
        {
            BestValidationPerplexity = decided[0], BestStep = (int)decided[1], EvaluationsWithoutImprovement = (int)decided[2], StoppedEarly = decided[3] != 0,
        };
    }
}
