using System.Globalization;
using Mft.Checkpoints;
using Mft.Data;
using Mft.Training;
using Mft.Jobs;
using static TorchSharp.torch;

namespace Mft.Bench;

/// <summary>
/// How far the teacher cache moves MFT from the exact (online-teacher) run on the embedded model: the loss of the
/// first step (same weights, so only the teacher's tail differs), the final S and D, and the trained weights'
/// distance from the exact run's, relative to how far the exact run moved from the base.
/// Usage: Mft.Bench cache-fidelity [--model models/base] [--data data] [--domain bible] [--steps 60] [--k 8,32,128]
/// </summary>
public static class CacheFidelity
{
    public static int Run(string[] args)
    {
        string? Option(string name) => BenchArgs.Option(args, name);
        var model = Option("--model") ?? "models/base";
        var data = Option("--data") ?? "data";
        var domain = Option("--domain") ?? "bible";
        int steps = int.Parse(Option("--steps") ?? "60", CultureInfo.InvariantCulture);
        var ks = (Option("--k") ?? "8,32,128").Split(',').Select(k => int.Parse(k, CultureInfo.InvariantCulture)).ToList();
        var root = Path.Combine(Path.GetTempPath(), $"mft-cache-fidelity-{Environment.ProcessId}");
        FinetuneResult Train(int k) => new FinetuneJob(FinetuneJobConfig.OnCorpusDomain(model, data, domain, 100, 100, Path.Combine(root, $"k{k}"),
            new TrainerConfig
            {
                Method = "mft", Tau = 0.1, MaxSteps = steps, LearningRate = 1e-3, BatchSize = 8, ContextLength = 128, Packing = Packing.Pack,
                WarmupSteps = 5, Schedule = ScheduleKind.Cosine, TeacherCacheTopK = k,
            }) with { MaxSamples = 500, Threads = 2 }).Run();
        double FirstLoss(FinetuneResult r) => MetricsLog.StepLoss(Path.GetDirectoryName(r.ModelDirectory)!, 1)!.Value;
        var exact = Train(0);
        Console.WriteLine($"exact (online teacher): first-step loss {FirstLoss(exact):F6}, S {exact.Final.Report.Specialization:P2}, D {exact.Final.Report.Degeneralization:P2}, {exact.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("| top-k | cache MB | first-step loss (rel. diff) | S | D | weights: ‖cached − exact‖ / ‖exact − base‖ | time |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine($"| exact | - | {FirstLoss(exact):F5} | {exact.Final.Report.Specialization:P2} | {exact.Final.Report.Degeneralization:P2} | 0 | {exact.Elapsed.TotalSeconds:F0} s |");
        foreach (var k in ks)
        {
            var cached = Train(k);
            double rel = Math.Abs(FirstLoss(cached) - FirstLoss(exact)) / FirstLoss(exact);
            Console.WriteLine($"| {k} | {cached.TeacherCopyBytes / 1048576.0:F1} | {FirstLoss(cached):F5} ({rel:P3}) | {cached.Final.Report.Specialization:P2} | " +
                              $"{cached.Final.Report.Degeneralization:P2} | {WeightDistance(model, exact.ModelDirectory, cached.ModelDirectory):P2} | {cached.Elapsed.TotalSeconds:F0} s |");
        }
        Directory.Delete(root, recursive: true);
        return 0;
    }

    private static double WeightDistance(string baseDir, string exactDir, string cachedDir)
    {
        using var b = new SafetensorsReader(Path.Combine(baseDir, CheckpointFiles.SingleFile));
        using var e = new SafetensorsReader(Path.Combine(exactDir, CheckpointFiles.SingleFile));
        using var c = new SafetensorsReader(Path.Combine(cachedDir, CheckpointFiles.SingleFile));
        double diff = 0, update = 0;
        foreach (var name in e.Tensors.Keys)
        {
            using var scope = NewDisposeScope();
            var exact = e.Load(name).to_type(ScalarType.Float64);
            diff += (c.Load(name).to_type(ScalarType.Float64) - exact).pow(2).sum().item<double>();
            update += (exact - b.Load(name).to_type(ScalarType.Float64)).pow(2).sum().item<double>();
        }
        return Math.Sqrt(diff / update);
    }
}
