using System.Text;

namespace Mft.Evaluation;

/// <summary>
/// A model's score on a multiple-choice task, as lm-evaluation-harness reports it: <see cref="Accuracy"/> (acc: the
/// choice with the highest summed log-probability is the gold one) and <see cref="NormalizedAccuracy"/> (acc_norm: the
/// same with each sum divided by the choice's length in UTF-8 bytes), each with its standard error, the sample standard
/// deviation of the per-item 0/1 scores over the square root of <see cref="Items"/> (lm-eval's mean_stderr).
/// </summary>
public sealed record ChoiceTaskResult(int Items, double Accuracy, double AccuracyStderr, double NormalizedAccuracy, double NormalizedAccuracyStderr)
{
    /// <summary>The metrics from each item's summed log-probabilities (one per choice, in order); ties go to the first choice, as numpy's argmax.</summary>
    public static ChoiceTaskResult Of(IReadOnlyList<ChoiceItem> items, IReadOnlyList<double[]> logLikelihoods)
    {
        if (items.Count != logLikelihoods.Count) throw new ArgumentException($"{items.Count} items but {logLikelihoods.Count} score lists");
        var acc = new double[items.Count];
        var accNorm = new double[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var ll = logLikelihoods[i];
            acc[i] = ArgMax(ll) == items[i].Gold ? 1 : 0;
            accNorm[i] = ArgMax([.. ll.Select((x, c) => x / Encoding.UTF8.GetByteCount(items[i].Choices[c]))]) == items[i].Gold ? 1 : 0;
        }
        return new ChoiceTaskResult(items.Count, acc.Average(), MeanStderr(acc), accNorm.Average(), MeanStderr(accNorm));
    }

    /// <summary>The standard error of a mean: sample standard deviation (n - 1) over √n; NaN for fewer than two values.</summary>
    public static double MeanStderr(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n < 2) return double.NaN;
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return Math.Sqrt(variance / n);
    }

    private static int ArgMax(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
