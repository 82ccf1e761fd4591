using System.Diagnostics;
using static TorchSharp.torch;

namespace Mft.Bench;

/// <summary>How the benchmark times a piece of work: warm-ups, then the median of the timed runs, each in its own dispose scope.</summary>
public static class BenchTiming
{
    /// <summary>The median (the upper one of an even count), as every figure of the bench reports it.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>
    /// Median seconds of <paramref name="work"/> over <paramref name="timed"/> runs after <paramref name="warmups"/>;
    /// <paramref name="prepare"/> and <paramref name="finish"/> run around each, untimed, in its scope.
    /// </summary>
    public static double MedianSeconds(Action work, int warmups, int timed, Action? prepare = null, Action? finish = null)
    {
        var seconds = new List<double>();
        for (int i = 0; i < warmups + timed; i++)
        {
            using var scope = NewDisposeScope();
            prepare?.Invoke();
            var watch = Stopwatch.StartNew();
            work();
            if (i >= warmups) seconds.Add(watch.Elapsed.TotalSeconds);
            finish?.Invoke();
        }
        return Median(seconds);
    }
}
