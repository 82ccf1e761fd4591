namespace Mft.Data;

/// <summary>
/// A deterministic train/validation/test split: samples are shuffled by the seed, the first
/// <c>testFraction</c> become the test set, the next <c>validationFraction</c> the validation set, the rest
/// training data. The data budget (<c>maxTrainSamples</c>) is then taken from the training part only, so the
/// test set does not change with the budget.
/// </summary>
public sealed record DatasetSplit<T>(IReadOnlyList<T> Train, IReadOnlyList<T> Validation, IReadOnlyList<T> Test)
{
    public static DatasetSplit<T> Create(IReadOnlyList<T> samples, int seed, double validationFraction, double testFraction, int? maxTrainSamples = null)
    {
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1)
            throw new MftException($"validation ({validationFraction}) and test ({testFraction}) fractions must be >= 0 and sum to less than 1");
        var order = Enumerable.Range(0, samples.Count).ToArray();
        new Random(seed).Shuffle(order);
        int nTest = (int)Math.Round(samples.Count * testFraction);
        int nVal = (int)Math.Round(samples.Count * validationFraction);
        if (testFraction > 0) nTest = Math.Max(1, nTest);
        if (validationFraction > 0) nVal = Math.Max(1, nVal);
        if (nTest + nVal >= samples.Count)
            throw new MftException($"{samples.Count} samples are too few to split into train, validation ({nVal}) and test ({nTest})");
        var test = order.Take(nTest).Select(i => samples[i]).ToList();
        var val = order.Skip(nTest).Take(nVal).Select(i => samples[i]).ToList();
        var train = order.Skip(nTest + nVal).Select(i => samples[i]).ToList();
        if (maxTrainSamples is int max)
        {
            if (max <= 0) throw new OptionException("max_samples", $"must be positive, got {max}");
            train = train.Take(max).ToList();
        }
        return new DatasetSplit<T>(train, val, test);
    }
}
