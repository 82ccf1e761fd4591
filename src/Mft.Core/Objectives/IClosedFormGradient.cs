using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary>
/// An objective whose gradient with respect to the student's logits has a closed form (softmax(z) minus the
/// target distribution), so the loss can run without an autograd graph over (N, V) tensors: the caller
/// back-propagates the returned gradient through the output projection only. Checked against autograd of
/// <see cref="ITrainingObjective.LossSum"/> in the tests.
/// </summary>
public interface IClosedFormGradient
{
    /// <summary>
    /// The masked loss sum (a scalar) and <paramref name="gradient"/> = scale x d(loss sum)/d(logits), (N, V).
    /// <paramref name="studentLogits"/> is read only; call without gradient tracking.
    /// </summary>
    Tensor LossSumAndGradient(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, double scale,
        TokenStatistics? statistics, out Tensor gradient);
}
