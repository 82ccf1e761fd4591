using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary>
/// <c>mft</c>: minifinetuning. The student minimises KL(q ‖ student) where q is the frozen teacher's
/// distribution, tau-corrected toward the label (<see cref="TauCorrection"/>).
/// </summary>
public sealed class MftObjective(double tau, double temperature = 1.0, bool correctAll = true) : ITrainingObjective, IClosedFormGradient
{
    public double Tau { get; } = tau is >= 0 and <= 1 ? tau : throw new MftException($"tau must be in [0, 1], got {tau}");
    public double Temperature { get; } = temperature > 0 ? temperature : throw new MftException($"temperature must be positive, got {temperature}");
    public bool CorrectAll { get; } = correctAll;

    public string Name => "mft";
    public bool NeedsTeacher => true;

    public Tensor LossSum(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, TokenStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        var teacherLogProbs = CorrectedDistillationLoss.TeacherLogProbs(teacherLogits, Temperature);
        var correction = TauCorrection.Compute(teacherLogProbs, labels, Tau, CorrectAll);
        statistics?.Add(mask, correction);
        var kl = CorrectedDistillationLoss.PerToken(studentLogits, teacherLogProbs, labels, correction.Mix, Temperature, out var nll);
        if (Temperature == 1) statistics?.AddLabelNll(nll, mask);
        return (kl * mask).sum();
    }

    public Tensor LossSumAndGradient(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, double scale,
        TokenStatistics? statistics, out Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        var teacherLogProbs = CorrectedDistillationLoss.TeacherLogProbs(teacherLogits, Temperature);
        var correction = TauCorrection.Compute(teacherLogProbs, labels, Tau, CorrectAll);
        statistics?.Add(mask, correction);
        var lossSum = CorrectedDistillationLoss.SumAndGradient(studentLogits, teacherLogProbs, labels, correction.Mix, mask, Temperature, scale, out gradient, out var nll);
        if (Temperature == 1) statistics?.AddLabelNll(nll, mask);
        return lossSum;
    }
}
