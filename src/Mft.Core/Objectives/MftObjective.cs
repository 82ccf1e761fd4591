using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary>
/// <c>mft</c>: minifinetuning. The student minimises KL(q ‖ student) where q is the frozen teacher's
/// distribution, tau-corrected toward the label (<see cref="TauCorrection"/>).
/// </summary>
public sealed class MftObjective(double tau, double temperature = 1.0, bool correctAll = true) : CorrectedDistillationObjective(temperature)
{
    public double Tau { get; } = TauCorrection.RequireValid(tau);
    public bool CorrectAll { get; } = correctAll;

    public override string Name => "mft";

    protected override Tensor Mix(Tensor teacherLogProbs, Tensor labels, Tensor mask, TokenStatistics? statistics)
    {
        var correction = TauCorrection.Compute(teacherLogProbs, labels, Tau, CorrectAll);
        statistics?.Add(mask, correction);
        return correction.Mix;                                                          // (N,)
    }
}
