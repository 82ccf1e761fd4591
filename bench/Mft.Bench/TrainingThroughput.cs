using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Mft.Data;
using Mft.Models;
using Mft.Objectives;
using Mft.Runtime;
using Mft.Training;
using static TorchSharp.torch;

namespace Mft.Bench;

/// <summary>
/// Training throughput of ft and mft steps and forward-only passes on the performance issue's fixed Llama
/// configurations (fp32, random tokens, AdamW lr 3e-4, weight decay 0.1, clip 1.0), median of N steps after
/// warm-up, next to a 1024³ fp32 matmul measured in the same process. Mirrors ../shared/peers/pytorch_bench.py.
/// GFLOP/s = tokens/s x 6 N (training) or 2 N (forward), N = parameters counted once (tied embedding), the
/// convention of the PyTorch reference; mft's figure also counts the teacher's forward (2 N per token).
/// Usage: dotnet run --project bench/Mft.Bench -c Release -- [bench-small|bench-medium] [steps] [threads]
/// </summary>
public static class TrainingThroughput
{
    private static readonly Dictionary<string, (int Vocab, int D, int L, int H, int Kv, int Ffn, int T, int B)> Presets = new()
    {
        ["bench-small"] = (8192, 256, 6, 8, 4, 688, 256, 8),
        ["bench-medium"] = (8192, 512, 8, 8, 8, 1376, 256, 4),
    };

    public static int Run(string[] args)
    {
        var preset = args.Length > 0 ? args[0] : "bench-small";
        int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        if (!Presets.TryGetValue(preset, out var p)) { Console.Error.WriteLine($"unknown preset {preset}"); return 2; }
        TorchRuntime.SetThreads(threads);
        var config = ModelConfig.Parse(new JsonObject
        {
            ["model_type"] = "llama", ["vocab_size"] = p.Vocab, ["hidden_size"] = p.D, ["num_hidden_layers"] = p.L,
            ["num_attention_heads"] = p.H, ["num_key_value_heads"] = p.Kv, ["intermediate_size"] = p.Ffn,
            ["max_position_embeddings"] = p.T, ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["tie_word_embeddings"] = true,
        }, preset);
        Console.WriteLine($"Mft (TorchSharp/libtorch) | {preset}: vocab {p.Vocab}, d {p.D}, layers {p.L}, heads {p.H}/{p.Kv}, ffn {p.Ffn}, T {p.T}, B {p.B} | threads {threads}");
        var matmul = MatmulGflops(1024, 30);
        Console.WriteLine($"matmul fp32 1024^3: median {matmul:F1} GFLOP/s");
        var results = new Dictionary<string, (double TokS, double StepS, double PeakMb, long Params)>();
        foreach (var mode in new[] { "ft", "mft", "fwd" })
        {
            var r = Measure(config, mode, p.T, p.B, steps);
            results[mode] = r;
            double flopsPerToken = mode switch { "fwd" => 2.0 * r.Params, "mft" => 8.0 * r.Params, _ => 6.0 * r.Params };
            Console.WriteLine($"[{mode,3}] median step {r.StepS * 1e3,8:F1} ms  {r.TokS,9:F1} tok/s  {r.TokS * flopsPerToken / 1e9,6:F1} GFLOP/s " +
                              $"({100 * r.TokS * flopsPerToken / 1e9 / matmul:F0}% of matmul)  peak RSS {r.PeakMb:F0} MB");
        }
        Console.WriteLine($"N_params = {results["ft"].Params:N0}; mft/ft step-time ratio = {results["mft"].StepS / results["ft"].StepS:F3}");
        return 0;
    }

    private static (double TokS, double StepS, double PeakMb, long Params) Measure(ModelConfig config, string mode, int t, int b, int steps)
    {
        manual_seed(0);
        using var student = ModelFactory.Create(config);
        using var teacher = mode == "mft" ? FrozenModelTeacher.CopyOf(student) : null;
        var rng = new Random(0);
        var rows = Enumerable.Range(0, b * 4).Select(_ => new TrainingSequence(
            Enumerable.Range(0, t + 1).Select(_ => rng.Next(config.VocabSize)).ToArray(), [0, .. Enumerable.Repeat(1, t)])).ToList();
        var times = new List<double>();
        const int warmup = 3;
        if (mode == "fwd")
        {
            student.eval();
            using var _ = inference_mode();
            for (int i = 0; i < warmup + steps; i++)
            {
                using var scope = NewDisposeScope();
                var batch = Batch.Collate(rows.Skip((i % 4) * b).Take(b).ToList(), CPU);
                var w = Stopwatch.StartNew();
                student.Forward(batch.Inputs).sum().item<float>();
                if (i >= warmup) times.Add(w.Elapsed.TotalSeconds);
            }
        }
        else
        {
            var trainerConfig = new TrainerConfig
            {
                Method = mode, Tau = 0.2, MaxSteps = warmup + steps, BatchSize = b, ContextLength = t, LearningRate = 3e-4,
                WeightDecay = 0.1, ClipNorm = 1.0, WarmupSteps = 0, Schedule = "constant", LossChunkTokens = 1024,
            };
            var trainer = new Trainer(trainerConfig, student, teacher, rows, null, Path.Combine(Path.GetTempPath(), $"mft-bench-{Environment.ProcessId}"), "bench");
            var w = Stopwatch.StartNew();
            trainer.StepCompleted += m => { if (m.Step > warmup) times.Add(w.Elapsed.TotalSeconds); w.Restart(); };
            trainer.Run();
        }
        times.Sort();
        double median = times[times.Count / 2];
        long n = student.ParameterCount();
        return (b * t / median, median, PeakRssMb(), n);
    }

    private static double MatmulGflops(int n, int reps)
    {
        using var a = randn(n, n);
        using var c = randn(n, n);
        for (int i = 0; i < 3; i++) a.matmul(c).Dispose();
        var times = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var w = Stopwatch.StartNew();
            a.matmul(c).Dispose();
            times.Add(w.Elapsed.TotalSeconds);
        }
        times.Sort();
        return 2.0 * n * n * n / times[reps / 2] / 1e9;
    }

    /// <summary>VmHWM of this process (peak resident set; cumulative over the modes run so far).</summary>
    private static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }
}
