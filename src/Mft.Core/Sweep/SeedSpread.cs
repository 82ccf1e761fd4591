namespace Mft.Sweep;

/// <summary>One figure measured once per seed: its mean and sample standard deviation over the seeds.</summary>
public sealed record SeedSpread(IReadOnlyList<double> Values)
{
    public double Mean => Values.Count == 0 ? double.NaN : Values.Average();
    public double Std => MeanTrajectory.Std(Values);
    public int Count => Values.Count;
}

/// <summary>
/// The difference of two methods' figures paired by seed (the same data split and evaluation sets): its mean and
/// the half-width of its 95% confidence interval, t(n - 1) x sd / sqrt(n). The two are within noise of each other
/// when the interval contains 0, and with one seed there is no interval at all.
/// </summary>
public sealed record PairedDifference(double Mean, double HalfWidth, int Seeds)
{
    public bool WithinNoise => Seeds < 2 || Math.Abs(Mean) <= HalfWidth;

    public static PairedDifference Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"paired figures need one value per seed on both sides ({a.Count} and {b.Count})");
        var diff = a.Zip(b, (x, y) => x - y).ToList();
        double half = diff.Count < 2 ? double.PositiveInfinity : StudentT95(diff.Count - 1) * MeanTrajectory.Std(diff) / Math.Sqrt(diff.Count);
        return new PairedDifference(diff.Count == 0 ? double.NaN : diff.Average(), half, diff.Count);
    }

    /// <summary>The two-sided 95% quantile of Student's t with <paramref name="df"/> degrees of freedom (tabulated to 30, then the normal's 1.96).</summary>
    public static double StudentT95(int df) => df switch
    {
        < 1 => throw new ArgumentOutOfRangeException(nameof(df)),
        <= 30 => Table[df - 1],
        _ => 1.96,
    };

    private static readonly double[] Table =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
}
