using System.Diagnostics;
using System.Globalization;
using Mft.Distributed;
using static TorchSharp.torch;

namespace Mft.Bench;

/// <summary>
/// The gradient all-reduce of data-parallel training (<see cref="GradientAllReduce"/>) at the presets' gradient sizes:
/// parameters of each preset's shapes with gradients, summed over the ranks as a training step sums them (fp32 buckets
/// of 128 MB, copies in and out included). Run it under MPI:
///   mpirun -n 2 --allow-run-as-root Mft.Bench allreduce [--presets bench-small,bench-medium,bench-0.5b] [--repeats 5]
/// Rank 0 prints, per preset: gradient MB, median seconds, and the bus bandwidth 2 (N-1)/N x bytes / time.
/// </summary>
public static class AllReduceBench
{
    public static int Run(string[] args)
    {
        var ranks = ProcessGroups.Detect();
        var presets = (BenchArgs.Option(args, "--presets") ?? "bench-small,bench-medium,bench-0.5b").Split(',');
        int repeats = int.Parse(BenchArgs.Option(args, "--repeats") ?? "5", CultureInfo.InvariantCulture);
        Mft.Runtime.TorchRuntime.SetThreads(1);
        if (ranks.IsRoot) Console.WriteLine($"all-reduce of gradients: {ranks.Size} ranks, {BenchCommand.CpuModel()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        foreach (var name in presets)
        {
            var preset = BenchPreset.All[name];
            using var scope = NewDisposeScope();
            var parameters = preset.ParameterShapes().Select(shape =>
            {
                var p = zeros(shape).requires_grad_(true);
                p.grad = full(shape, ranks.Rank + 1f);
                return p;
            }).ToList();
            long elements = parameters.Sum(p => p.NumberOfElements);
            var allReduce = new GradientAllReduce(ranks);
            var seconds = new List<double>();
            for (int i = 0; i <= repeats; i++)
            {
                ranks.Barrier();
                var watch = Stopwatch.StartNew();
                allReduce.Sum(parameters);
                if (i > 0) seconds.Add(watch.Elapsed.TotalSeconds);   // the first is a warm-up
            }
            float expected = ranks.Size * (ranks.Size + 1) / 2f * MathF.Pow(ranks.Size, repeats);   // each sum multiplies by N after the first
            float got = parameters[0].grad!.reshape(-1)[0].item<float>();
            double median = BenchTiming.Median(seconds), bytes = elements * 4.0;
            if (ranks.IsRoot)
                Console.WriteLine($"{name,-13} {elements / 1e6,7:F1}M parameters  {bytes / 1e6,8:F0} MB  median {median,7:F3} s  " +
                                  $"bus {2.0 * (ranks.Size - 1) / ranks.Size * bytes / median / 1e9,6:F2} GB/s  (sum {(got == expected ? "ok" : $"WRONG: {got} != {expected}")})");
        }
        return 0;
    }
}
