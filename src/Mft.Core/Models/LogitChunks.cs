namespace Mft.Models;

/// <summary>
/// How many positions are projected to the vocabulary at once: the chunked loss (<c>Training.ChunkedLoss</c>), the top-k
/// teacher pass (<c>Teachers.TopKTeacherCache</c>) and evaluation (<c>Evaluation.Perplexity</c>) all cut their positions
/// with this one rule, so no (positions, V) tensor larger than <see cref="MaxLogits"/> is ever built.
/// </summary>
public static class LogitChunks
{
    /// <summary>
    /// The most logits one chunk holds, whatever the chunk size asked for: 16M floats (64 MB). A few (chunk, V) tensors
    /// are alive at once (student and teacher logits, the gradient; log-probabilities in evaluation), so at Qwen's
    /// 151,936-token vocabulary the default 1024 positions would be 622 MB each; capped, a chunk is 110 positions there,
    /// and vocabularies up to 16,384 keep 1024 (every chunk, and so every number, of the embedded model and the
    /// bench-small/medium shapes is unchanged). Measured at 0.5B (bench/results/2026-11-29-0.5b-chunk): online-teacher
    /// mft's peak 11.2 GB uncapped, 10.9 GB at 32M, 10.6 GB at 16M, at the same step time within the noise.
    /// </summary>
    public const long MaxLogits = 1L << 24;

    /// <summary>The chunk asked for where no option sets one (evaluation, the top-k teacher pass), as the loss's default.</summary>
    public const int DefaultPositions = 1024;

    /// <summary>Positions per chunk: <paramref name="chunkTokens"/>, or fewer where that many would exceed <see cref="MaxLogits"/>; at least one.</summary>
    public static int Positions(int chunkTokens, long vocabSize) => (int)Math.Max(1, Math.Min(chunkTokens, MaxLogits / Math.Max(1, vocabSize)));

    /// <summary>The (start, length) of each chunk of <paramref name="positions"/> positions, in order, each at most <see cref="Positions"/> long.</summary>
    public static IEnumerable<(long Start, long Length)> Of(long positions, int chunkTokens, long vocabSize)
    {
        long size = Positions(chunkTokens, vocabSize);
        for (long start = 0; start < positions; start += size) yield return (start, Math.Min(size, positions - start));
    }
}
