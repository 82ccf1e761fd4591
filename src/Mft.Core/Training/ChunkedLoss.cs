using TorchSharp;
using Mft.Models;
using Mft.Objectives;
using Mft.Teachers;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// Computes an objective over a batch and back-propagates it, projecting hidden states to the vocabulary a chunk
/// of positions at a time: each chunk's logits, loss and gradient are made and freed before the next, and the
/// gradient with respect to the hidden states is gathered and sent through the rest of the model once. Peak
/// memory for the loss is a few (chunk, V) tensors instead of several (B * T, V) ones.
/// </summary>
public static class ChunkedLoss
{
    /// <summary>Returns the masked loss sum (with <paramref name="autograd"/>, differentiates the loss by autograd even where a closed form exists); gradients of (sum / <paramref name="normalizer"/>) are accumulated.</summary>
    public static double ForwardBackward(CausalLM student, ITrainingObjective objective, ITeacherBatch? teacher,
        Tensor hidden, Tensor labels, Tensor mask, double normalizer, int chunkTokens, TokenStatistics? statistics, bool autograd = false)
    {
        long c = hidden.shape[^1];
        var flatHidden = hidden.reshape(-1, c);                                          // (N, C)
        var detached = flatHidden.detach().requires_grad_(true);
        var flatLabels = labels.reshape(-1);
        var flatMask = mask.reshape(-1);
        long n = flatHidden.shape[0];
        chunkTokens = LogitChunks.Positions(chunkTokens, student.Config.VocabSize);   // capped at LogitChunks.MaxLogits
        if (n > chunkTokens && objective is IClosedFormGradient && !autograd)
            return ByHand(student, (IClosedFormGradient)objective, teacher, flatHidden, flatLabels, flatMask, normalizer, chunkTokens, statistics);
        double total = 0;
        for (long start = 0; start < n; start += chunkTokens)
        {
            long len = Math.Min(chunkTokens, n - start);
            using var scope = NewDisposeScope();
            var chunkMask = flatMask.narrow(0, start, len);
            if (chunkMask.sum().item<float>() == 0) continue;
            var logits = student.Logits(detached.narrow(0, start, len));                 // (n, V)
            var teacherLogits = teacher?.Logits(start, len, logits.detach());                             // (n, V)
            var chunkLabels = flatLabels.narrow(0, start, len);
            if (objective is IClosedFormGradient closedForm && !autograd)
            {
                // The loss's own (N, V) work runs without autograd; only the projection is back-propagated.
                Tensor lossSum, gradient;
                using (no_grad()) lossSum = closedForm.LossSumAndGradient(logits.detach(), teacherLogits, chunkLabels, chunkMask, 1.0 / normalizer, statistics, out gradient);
                logits.backward([gradient]);
                total += lossSum.item<float>();
            }
            else
            {
                var lossSum = objective.LossSum(logits, teacherLogits, chunkLabels, chunkMask, statistics);
                using var normalizerScalar = normalizer.ToScalar();
                lossSum.div(normalizerScalar).backward();
                total += lossSum.item<float>();
            }
        }
        if (detached.grad is { } g) flatHidden.backward([g]);
        return total;
    }

    /// <summary>
    /// More than one chunk under a closed-form gradient: the head's backward by hand (<see cref="HeadGradient"/>), each
    /// chunk's hidden-state gradient at once and the weight's gradient as one product over the chunks, then the hidden
    /// states' gradient through the rest of the model once. One chunk keeps autograd (the same products).
    /// </summary>
    private static double ByHand(CausalLM student, IClosedFormGradient objective, ITeacherBatch? teacher, Tensor flatHidden, Tensor flatLabels,
        Tensor flatMask, double normalizer, int chunkTokens, TokenStatistics? statistics)
    {
        long n = flatHidden.shape[0];
        double total = 0;
        using var head = new HeadGradient(student.OutputWeight, n);
        foreach (var (start, len) in LogitChunks.Of(n, chunkTokens, student.Config.VocabSize))
        {
            using var scope = NewDisposeScope();
            var chunkMask = flatMask.narrow(0, start, len);
            if (chunkMask.sum().item<float>() == 0) continue;
            using var noGrad = no_grad();
            var hidden = flatHidden.detach().narrow(0, start, len);                      // (n, C)
            var logits = student.Logits(hidden);                                          // (n, V)
            var teacherLogits = teacher?.Logits(start, len, logits);                      // (n, V)
            var lossSum = objective.LossSumAndGradient(logits, teacherLogits, flatLabels.narrow(0, start, len), chunkMask, 1.0 / normalizer, statistics, out var gradient);
            head.Add(start, hidden, gradient);
            total += lossSum.item<float>();
        }
        head.Flush();
        flatHidden.backward([head.HiddenGradient]);
        return total;
    }
}
