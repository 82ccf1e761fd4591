using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary><c>ft</c>: standard finetuning, next-token cross-entropy against the data.</summary>
public sealed class CrossEntropyObjective : ITrainingObjective
{
    public string Name => "ft";
    public bool NeedsTeacher => false;

    public Tensor LossSum(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, TokenStatistics? statistics = null)
    {
        var nll = nn.functional.cross_entropy(studentLogits, labels, reduction: nn.Reduction.None);   // (N,)
        statistics?.AddTokens(mask);
        statistics?.AddLabelNll(nll, mask);
        return (nll * mask).sum();
    }
}
