using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary><c>kd</c>: uncorrected self-distillation, KL(teacher ‖ student), as a control for MFT: MFT with m = 0.</summary>
public sealed class KdObjective(double temperature = 1.0) : CorrectedDistillationObjective(temperature)
{
    public override string Name => "kd";

    protected override Tensor Mix(Tensor teacherLogProbs, Tensor labels, Tensor mask, TokenStatistics? statistics)
    {
        statistics?.AddTokens(mask);
        return zeros(labels.shape, teacherLogProbs.dtype, teacherLogProbs.device);      // (N,)
    }
}
