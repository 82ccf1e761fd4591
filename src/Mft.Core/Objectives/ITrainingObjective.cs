using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary>
/// A training loss as a pure function of one chunk of token positions: the student's logits (N, V), the
/// teacher's logits (N, V) when <see cref="NeedsTeacher"/>, the next-token labels (N,) and a 0/1 loss mask (N,).
/// It returns the masked <em>sum</em> of per-token losses, so chunks add up and the caller divides by the
/// number of unmasked tokens. No model is called inside.
/// </summary>
public interface ITrainingObjective
{
    string Name { get; }
    bool NeedsTeacher { get; }
    Tensor LossSum(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, TokenStatistics? statistics = null);
}
