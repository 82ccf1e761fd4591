using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary>
/// Distillation toward a per-token mix of the teacher and the label: the student minimises KL(q ‖ student) with
/// q = (1 - m)·p_teacher + m·onehot(label). The objectives differ only in how m is chosen: MFT's tau correction
/// (<see cref="MftObjective"/>) or none (<see cref="KdObjective"/>, m = 0).
/// </summary>
public abstract class CorrectedDistillationObjective(double temperature) : ITrainingObjective, IClosedFormGradient
{
    public double Temperature { get; } = temperature > 0 ? temperature : throw new MftException($"temperature must be positive, got {temperature}");

    public abstract string Name { get; }
    public bool NeedsTeacher => true;

    /// <summary>The mix m toward the label per token, (N,), recording what <paramref name="statistics"/> keeps of it.</summary>
    protected abstract Tensor Mix(Tensor teacherLogProbs, Tensor labels, Tensor mask, TokenStatistics? statistics);

    public Tensor LossSum(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, TokenStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        var teacherLogProbs = CorrectedDistillationLoss.TeacherLogProbs(teacherLogits, Temperature);
        var kl = CorrectedDistillationLoss.PerToken(studentLogits, teacherLogProbs, labels, Mix(teacherLogProbs, labels, mask, statistics), Temperature, out var nll);
        if (Temperature == 1) statistics?.AddLabelNll(nll, mask);
        return (kl * mask).sum();
    }

    public Tensor LossSumAndGradient(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, double scale,
        TokenStatistics? statistics, out Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        var teacherLogProbs = CorrectedDistillationLoss.TeacherLogProbs(teacherLogits, Temperature);
        var lossSum = CorrectedDistillationLoss.SumAndGradient(studentLogits, teacherLogProbs, labels, Mix(teacherLogProbs, labels, mask, statistics), mask,
            Temperature, scale, out gradient, out var nll);
        if (Temperature == 1) statistics?.AddLabelNll(nll, mask);
        return lossSum;
    }
}
