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
    /// <summary>
    /// The most logits one chunk holds, whatever the chunk size asked for: 16M floats (64 MB). A few (chunk, V) tensors
    /// are alive at once (student and teacher logits, the gradient), so at Qwen's 151,936-token vocabulary the default
    /// 1024 positions would be 622 MB each; capped, a chunk is 110 positions there, and vocabularies up to 16,384 keep
    /// 1024 (every chunk, and so every number, of the embedded model and the bench-small/medium shapes is unchanged).
    /// Measured at 0.5B (bench/results/2026-11-29-0.5b-chunk): online-teacher mft's peak 11.2 GB uncapped, 10.9 GB at
    /// 32M, 10.6 GB at 16M, at the same step time within the noise.
    /// </summary>
    public const long MaxChunkLogits = 1L << 24;

    /// <summary>Positions per chunk: <paramref name="chunkTokens"/>, or fewer where that many would exceed <see cref="MaxChunkLogits"/>.</summary>
    public static int ChunkPositions(int chunkTokens, long vocabSize) => (int)Math.Max(1, Math.Min(chunkTokens, MaxChunkLogits / Math.Max(1, vocabSize)));

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
        chunkTokens = ChunkPositions(chunkTokens, student.Config.VocabSize);
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
}
