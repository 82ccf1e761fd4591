using Mft.Evaluation;

namespace Mft.Tests.Evaluation;

/// <summary>acc, acc_norm and their standard errors on hand-worked cases.</summary>
public sealed class ChoiceTaskResultTests
{
    [Fact]
    public void Should_count_acc_by_the_highest_sum_and_acc_norm_by_the_highest_sum_per_utf8_byte()
    {
        // Given two items where the per-byte ranking differs from the raw one
        var items = new[]
        {
            new ChoiceItem("c", [" a", " bbbbbbbbb"], 1),   // 2 and 10 bytes
            new ChoiceItem("c", [" é", " x"], 0),          // 3 and 2 bytes: é is two bytes in UTF-8
        };
        var lls = new[]
        {
            new[] { -2.0, -5.0 },    // acc picks 0 (wrong); per byte -1.0 vs -0.5 picks 1 (right)
            new[] { -2.7, -2.0 },    // acc picks 1 (wrong); per byte -0.9 vs -1.0 picks 0 (right); by characters (-1.35 vs -1.0) it would not
        };
        // When
        var r = ChoiceTaskResult.Of(items, lls);
        // Then
        Assert.Equal((2, 0.0, 1.0), (r.Items, r.Accuracy, r.NormalizedAccuracy));
        Assert.Equal((0.0, 0.0), (r.AccuracyStderr, r.NormalizedAccuracyStderr));
    }

    [Fact]
    public void Should_give_the_sample_standard_error_of_the_mean_and_break_ties_to_the_first_choice()
    {
        // Given four items: right, wrong, right on a tie (gold 0 is first), wrong on a tie (gold 1 is second)
        var items = new[] { 0, 1, 0, 1 }.Select(g => new ChoiceItem("c", [" a", " b"], g)).ToList();
        var lls = new[] { new[] { -1.0, -2.0 }, new[] { -1.0, -2.0 }, new[] { -1.0, -1.0 }, new[] { -1.0, -1.0 } };
        // When
        var r = ChoiceTaskResult.Of(items, lls);
        // Then acc = 2/4, and its standard error is sqrt(var / n) with var = sum((x - 0.5)^2) / 3 = 1/3
        Assert.Equal(0.5, r.Accuracy);
        Assert.Equal(Math.Sqrt(1.0 / 3 / 4), r.AccuracyStderr, 12);
        Assert.True(double.IsNaN(ChoiceTaskResult.MeanStderr([1.0])));
    }
}
