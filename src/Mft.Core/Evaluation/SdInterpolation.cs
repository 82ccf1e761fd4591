namespace Mft.Evaluation;

/// <summary>Reads degeneralization off an S-D trajectory at a given specialization, by linear interpolation between evaluations.</summary>
public static class SdInterpolation
{
    /// <summary>
    /// D where the trajectory (in evaluation order) first reaches specialization <paramref name="s"/>: interpolated
    /// between the two evaluations that bracket it; null when it never does, or when a D before it is unknown.
    /// </summary>
    public static double? DegeneralizationAt(IReadOnlyList<(double S, double? D)> points, double s)
    {
        for (int i = 1; i < points.Count; i++)
        {
            var ((s0, d0), (s1, d1)) = (points[i - 1], points[i]);
            if (d0 is not double a || d1 is not double b) return null;
            if (s1 >= s && s0 <= s)
                return s1 == s0 ? b : a + (b - a) * (s - s0) / (s1 - s0);
        }
        return null;
    }
}
