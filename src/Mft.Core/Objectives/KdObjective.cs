using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary><c>kd</c>: uncorrected self-distillation, KL(teacher ‖ student), as a control for MFT.</summary>
public sealed class KdObjective(double temperature = 1.0) : ITrainingObjective, IClosedFormGradient
{
    public double Temperature { get; } = temperature > 0 ? temperature : throw new MftException($"temperature must be positive, got {temperature}");

    public string Name => "kd";
    public bool NeedsTeacher => true;

    public Tensor LossSum(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, TokenStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        var teacherLogProbs = CorrectedDistillationLoss.TeacherLogProbs(teacherLogits, Temperature);
        statistics?.AddTokens(mask);
        var kl = CorrectedDistillationLoss.PerToken(studentLogits, teacherLogProbs, labels, zeros(labels.shape, studentLogits.dtype, studentLogits.device), Temperature, out var nll);
        if (Temperature == 1) statistics?.AddLabelNll(nll, mask);
        return (kl * mask).sum();
    }

    public Tensor LossSumAndGradient(Tensor studentLogits, Tensor? teacherLogits, Tensor labels, Tensor mask, double scale,
        TokenStatistics? statistics, out Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(teacherLogits);
        var teacherLogProbs = CorrectedDistillationLoss.TeacherLogProbs(teacherLogits, Temperature);
        statistics?.AddTokens(mask);
        var lossSum = CorrectedDistillationLoss.SumAndGradient(studentLogits, teacherLogProbs, labels,
            zeros(labels.shape, studentLogits.dtype, studentLogits.device), mask, Temperature, scale, out gradient, out var nll);
        if (Temperature == 1) statistics?.AddLabelNll(nll, mask);
        return lossSum;
    }
}
