namespace Mft.Sweep;

/// <summary>The points not dominated by another (lower or equal D with higher or equal S), ordered by D.</summary>
public static class ParetoFront
{
    public static List<MeanPoint> Of(IEnumerable<MeanPoint> points)
    {
        var front = new List<MeanPoint>();
        foreach (var p in points.OrderBy(p => p.D).ThenByDescending(p => p.S))
            if (front.Count == 0 || p.S > front[^1].S) front.Add(p);
        return front;
    }
}
