using Mft.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static Mft.Runtime.Scalars;

namespace Mft.Objectives;

/// <summary>
/// KL(q ‖ s) for q = (1 - m) p + m onehot(y), computed per token without building q:
/// KL(q ‖ s) = (1 - m) CE(p, s) + m NLL_s(y) - H(q), where H(q) is a per-token constant of the teacher
/// (it does not change gradients but makes the value a true KL, so that m = 1 gives exactly cross-entropy
/// and q = s gives 0). Temperature T divides both logits; the loss is multiplied by T².
/// Holds three (N, V) tensors at once: student log-probs, teacher log-probs, teacher probs.
/// </summary>
public static class CorrectedDistillationLoss
{
    /// <summary>Per-token KL (N,), times T².</summary>
    public static Tensor PerToken(Tensor studentLogits, Tensor teacherLogProbs, Tensor labels, Tensor mix, double temperature) =>
        PerToken(studentLogits, teacherLogProbs, labels, mix, temperature, out _);

    /// <summary>Per-token KL (N,), times T², and the student's label NLL at temperature T (N,), for diagnostics.</summary>
    public static Tensor PerToken(Tensor studentLogits, Tensor teacherLogProbs, Tensor labels, Tensor mix, double temperature, out Tensor labelNll)
    {
        using Scalar t = temperature.ToScalar(), tSquared = (temperature * temperature).ToScalar();
        var logS = nn.functional.log_softmax(temperature == 1 ? studentLogits : studentLogits.div(t), -1);       // (N, V)
        var p = teacherLogProbs.exp();                                                                            // (N, V)
        var crossEntropy = -(p * logS).sum(-1);                                                                   // (N,)
        var nll = -logS.gather(-1, labels.unsqueeze(-1)).squeeze(-1);                                             // (N,)
        var entropy = CorrectedEntropy(p, teacherLogProbs, labels, mix);                                          // (N,)
        var kl = Kl(crossEntropy, nll, entropy, mix);
        labelNll = nll.detach();
        return temperature == 1 ? kl : kl.mul(tSquared);
    }

    /// <summary>
    /// The same loss summed over unmasked tokens, and its gradient with respect to the student's logits in closed
    /// form: T (softmax(z / T) - q) per token, times mask and <paramref name="scale"/>. Works in place on its own
    /// temporaries: besides the inputs it holds two (N, V) tensors (student log-probs turned into the gradient,
    /// and teacher probabilities). Call without gradient tracking.
    /// </summary>
    public static Tensor SumAndGradient(Tensor studentLogits, Tensor teacherLogProbs, Tensor labels, Tensor mix, Tensor mask,
        double temperature, double scale, out Tensor gradient, out Tensor labelNll)
    {
        long n = studentLogits.shape[0];
        using Scalar t = temperature.ToScalar(), tSquared = (temperature * temperature).ToScalar(), gradientScale = (scale * temperature).ToScalar();
        var logS = nn.functional.log_softmax(temperature == 1 ? studentLogits : studentLogits.div(t), -1);       // (N, V)
        var p = teacherLogProbs.exp();                                                                            // (N, V)
        var crossEntropy = -RowDot(p, logS, n);                                                                   // (N,)
        var y = labels.unsqueeze(-1);
        var nll = -logS.gather(-1, y).squeeze(-1);                                                                // (N,)
        var entropy = CorrectedEntropy(p, teacherLogProbs, labels, mix);                                          // (N,)
        var kl = Kl(crossEntropy, nll, entropy, mix);
        labelNll = nll;
        var lossSum = (kl * mask).sum().mul(tSquared);
        gradient = logS.exp_();                                                                                   // s
        gradient.sub_(p.mul_(OneMinus(mix).unsqueeze(-1)));                                                         // s - (1 - m) p
        gradient.scatter_add_(-1, y, (-mix).unsqueeze(-1).to_type(gradient.dtype));                               // s - q
        gradient.mul_(mask.mul(gradientScale).unsqueeze(-1));
        return lossSum;
    }

    /// <summary>(1 - m) CE + m NLL - H(q), per token.</summary>
    private static Tensor Kl(Tensor crossEntropy, Tensor nll, Tensor entropy, Tensor mix) =>
        OneMinus(mix).mul(crossEntropy).add(mix.mul(nll), One).sub(entropy);

    /// <summary>Σ_v a[i, v] b[i, v] per row, as a batched dot product (no (N, V) temporary).</summary>
    private static Tensor RowDot(Tensor a, Tensor b, long n) => a.unsqueeze(1).bmm(b.unsqueeze(2)).view(n);

    /// <summary>log softmax(teacher / T) without gradient.</summary>
    public static Tensor TeacherLogProbs(Tensor teacherLogits, double temperature)
    {
        using var _ = no_grad();
        using var t = temperature.ToScalar();
        return nn.functional.log_softmax(temperature == 1 ? teacherLogits : teacherLogits.div(t), -1);
    }

    /// <summary>H(q) from p, log p, y and m: the off-label mass is (1 - m) p, the label gets (1 - m) p[y] + m.</summary>
    private static Tensor CorrectedEntropy(Tensor p, Tensor logP, Tensor labels, Tensor mix)
    {
        using var _ = no_grad();
        var pLogP = RowDot(p, logP, p.shape[0]);                                                                  // (N,) = -H(p)
        var logPy = logP.gather(-1, labels.unsqueeze(-1)).squeeze(-1);
        var py = logPy.exp();
        var keep = OneMinus(mix);                                                                                 // (N,)
        var offLabelP = OneMinus(py).clamp_min(ZeroDouble);
        var logKeep = where(keep > Zero, keep.clamp_min(ProbabilityFloor).log(), zeros_like(keep));
        var offLabel = keep * pLogP.sub(py * logPy).add(logKeep * offLabelP, One);                               // Σ_{v≠y} q log q
        var qy = (keep * py).add(mix, One);
        var label = where(qy > Zero, qy * qy.clamp_min(ProbabilityFloor).log(), zeros_like(qy));
        return -offLabel.add(label, One);
    }
}
