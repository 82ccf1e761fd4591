namespace Mft.Data;

/// <summary>
/// How a held-out file (a corpus's test.txt) is shared between test and validation samples: the file's samples are
/// shuffled by the seed; the first <c>testMax</c> are the test samples and the next <c>validationCount</c> the
/// validation samples, each set in the file's order. The test samples are the same with or without validation samples,
/// and the two never overlap. Finetuning jobs and sweeps choose their held-out sets with this rule, and the task builder
/// (<c>Evaluation.ContinuationTaskBuilder</c>) keeps its items away from every validation set it gives.
/// </summary>
public static class HeldOutSamples
{
    /// <summary>The test samples (at most <paramref name="testMax"/>; all without it) and, when asked for, the validation samples after them.</summary>
    public static (IReadOnlyList<T> Test, IReadOnlyList<T> Validation) Split<T>(IReadOnlyList<T> samples, int? testMax, int? validationCount, int seed, string file)
    {
        if (validationCount is not int v) return (Subsample(samples, testMax, seed), []);
        int m = testMax ?? throw new MftException($"{file}: validation samples from a held-out file need a test sample count");
        if (samples.Count < m + v)
            throw new MftException($"{file}: {samples.Count} samples, too few for {m} test and {v} validation samples");
        var order = Shuffled(samples.Count, seed);
        return (order.Take(m).Order().Select(i => samples[i]).ToList(), order.Skip(m).Take(v).Order().Select(i => samples[i]).ToList());
    }

    /// <summary>At most <paramref name="max"/> samples chosen by the seed, in the file's order; all of them without a maximum.</summary>
    public static IReadOnlyList<T> Subsample<T>(IReadOnlyList<T> samples, int? max, int seed)
    {
        if (max is not int m || samples.Count <= m) return samples;
        return Shuffled(samples.Count, seed).Take(m).Order().Select(i => samples[i]).ToList();
    }

    private static int[] Shuffled(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
