using System.Globalization;
using Mft.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Bench;

/// <summary>
/// The step's work after back-propagation at a preset's parameter shapes: gradient clipping (clip_grad_norm_, max 1.0)
/// and <see cref="LowMemoryAdamW"/>'s update, for several slice sizes, on random weights and gradients; with one
/// in-place add over every parameter as the memory-bandwidth yardstick (read 2, write 1 parameter-sized tensors).
///   Mft.Bench optimizer [--preset bench-0.5b] [--slices 16777216,1048576,262144,65536] [--repeats 3] [--threads 2]
/// Prints the median seconds of each, and GB/s for the yardstick.
/// </summary>
public static class OptimizerBench
{
    public static int Run(string[] args)
    {
        var preset = BenchPreset.All[BenchArgs.Option(args, "--preset") ?? "bench-0.5b"];
        var slices = (BenchArgs.Option(args, "--slices") ?? "16777216,1048576,262144,65536").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();
        int repeats = int.Parse(BenchArgs.Option(args, "--repeats") ?? "3", CultureInfo.InvariantCulture);
        Mft.Runtime.TorchRuntime.SetThreads(int.Parse(BenchArgs.Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture));
        manual_seed(0);
        var parameters = preset.ParameterShapes().Select(shape => new Parameter(randn(shape).mul_(0.02))).ToList();
        var gradients = parameters.Select(p => randn(p.shape).mul_(1e-3)).ToList();
        long elements = parameters.Sum(p => p.NumberOfElements);
        Console.WriteLine($"optimizer step, {preset.Name}: {elements / 1e6:F1}M parameters, {BenchCommand.CpuModel()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        // each run on fresh copies of the gradients (clipping and the update change them), freed after it
        double Median(Action work) => BenchTiming.MedianSeconds(work, warmups: 1, timed: repeats,
            prepare: () => { foreach (var (p, g) in parameters.Zip(gradients)) p.grad = g.clone(); },
            finish: () => { foreach (var p in parameters) p.grad = null; });
        double add = Median(() => { using var _ = no_grad(); foreach (var p in parameters) p.add_(p.grad!, Mft.Runtime.Scalars.One); });
        Console.WriteLine($"one add_ pass          {add,7:F3} s  {elements * 12.0 / add / 1e9,6:F1} GB/s");
        double clip = Median(() => nn.utils.clip_grad_norm_(parameters, 1.0, 2.0));
        Console.WriteLine($"clip_grad_norm_        {clip,7:F3} s");
        foreach (var slice in slices)
        {
            using var optimizer = new LowMemoryAdamW([new AdamW.ParamGroup(parameters, 3e-4, 0.9, 0.999, 1e-8, 0.1, false, false)], 3e-4, 0.9, 0.999, 1e-8, 0.1, slice);
            double step = Median(() => optimizer.step());
            Console.WriteLine($"AdamW slice {slice,9}  {step,7:F3} s");
        }
        return 0;
    }
}
