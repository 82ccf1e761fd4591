using Mft.Evaluation;

namespace Mft.Tests.Evaluation;

public sealed class MatchedComparisonTests
{
    private static List<EvaluationPoint> Trajectory(params (double S, double D)[] points) =>
        points.Select((p, i) => new EvaluationPoint(i, 0, 10 * (1 - p.S), 20 * (1 + p.D), new SpecializationReport(10, 10 * (1 - p.S), 20, 20 * (1 + p.D)))).ToList();

    [Fact]
    public void Should_compare_degeneralization_at_the_smaller_final_specialization()
    {
        // Given FT reaching S = 0.4 with D rising 0 -> 0.2, and MFT reaching S = 0.3 with D 0 -> 0.03
        var ft = Trajectory((0, 0), (0.2, 0.05), (0.4, 0.2));
        var mft = Trajectory((0, 0), (0.15, 0.01), (0.3, 0.03));
        // When
        var cmp = MatchedComparison.Compare(ft, mft)!;
        // Then: S* = 0.3; FT's D at 0.3 interpolates 0.05 + (0.2 - 0.05) * 0.5 = 0.125 (by hand)
        Assert.Equal(0.3, cmp.MatchedSpecialization, 12);
        Assert.Equal(0.125, cmp.BaselineD, 12);
        Assert.Equal(0.03, cmp.CandidateD, 12);
        Assert.Equal(0.125 / 0.03, cmp.Advantage!.Value, 9);
    }

    [Fact]
    public void Should_report_no_degeneralization_instead_of_a_huge_ratio()
    {
        var r = new SpecializationReport(10, 8, 20, 19.5);
        Assert.Equal(0.2, r.Specialization, 12);
        Assert.Equal(-0.025, r.Degeneralization!.Value, 12);
        Assert.Null(r.Ratio);
        Assert.Equal("no degeneralization", r.RatioText);
        Assert.Equal(0.2 / 0.05, new SpecializationReport(10, 8, 20, 21).Ratio!.Value, 12);
    }
}
