using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary><c>ft</c>: standard finetuning, next-token cross-entropy against the data.</summary>
public sealed class CrossEntropyObjective : ITrainingObjective, IClosedFormGradient
{
    /// <summary>The label's share taken off the softmax: -1.0 (double, as the implicit conversion made it).</summary>
    private static readonly Scalar MinusOne = (-1.0).ToScalar();

    public string Name => "ft";
    public bool NeedsTeacher => false;

    public Tensor LossSum(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, TokenStatistics? statistics = null)
    {
        var nll = nn.functional.cross_entropy(studentLogits, labels, reduction: nn.Reduction.None);   // (N,)
        statistics?.AddTokens(mask);
        statistics?.AddLabelNll(nll, mask);
        return (nll * mask).sum();
    }

    /// <summary>NLL = logsumexp(z) - z[y]; gradient softmax(z) - onehot(y), built in place in one (N, V) tensor.</summary>
    public Tensor LossSumAndGradient(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, double scale,
        TokenStatistics? statistics, out Tensor gradient)
    {
        var y = labels.unsqueeze(-1);
        var nll = studentLogits.logsumexp(-1) - studentLogits.gather(-1, y).squeeze(-1);   // (N,)
        statistics?.AddTokens(mask);
        statistics?.AddLabelNll(nll, mask);
        gradient = nn.functional.softmax(studentLogits, -1);                                  // (N, V)
        using var scaleScalar = scale.ToScalar();
        gradient.scatter_add_(-1, y, full(y.shape, MinusOne, gradient.dtype, gradient.device));
        gradient.mul_(mask.mul(scaleScalar).unsqueeze(-1));
        return (nll * mask).sum();
    }
}
