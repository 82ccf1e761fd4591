using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Mft.Adapters;
using Mft.Data;
using Mft.Models;
using Mft.Runtime;
using Mft.Training;
using Mft.Teachers;
using static TorchSharp.torch;

namespace Mft.Bench;

/// <summary>
/// One mode measured in its own process, so that its peak resident memory is its own: random tokens, AdamW
/// lr 3e-4, weight decay 0.1, clip 1.0, tau 0.2, 3 warm-up steps, then the median of the timed steps.
/// Modes: ft, mft (frozen-copy teacher run every step), mft-cached (teacher top-k cache built before timing), mft-exact (teacher hidden-state cache built before timing),
/// fwd (forward and loss, no gradient), lora (LoRA r 16 student, cross-entropy), mft-lora (LoRA r 16 student, teacher =
/// base with adapters off), mft-lora-exact (the same teacher through the exact cache, sharing the student's frozen head)
/// and mft-lora-copy (LoRA student, frozen-copy teacher) to measure what sharing the base weights saves. A "+gc" suffix (ft+gc, mft-exact+gc, ...) trains with activation checkpointing per decoder layer.
/// A "+bf16" suffix (ft+bf16, mft-exact+bf16, mft-lora+gc+bf16, ...) trains with --precision bf16, as mft train would: the
/// teacher copy's linear weights and the exact cache's states and head copy in bf16, the products in bf16.
/// LoRA modes used rank 8 before 2026-11-29.
/// </summary>
public static class ModeMeasurement
{
    public const int Warmup = 3;
    public const int CacheTopK = 32;

    public const int LoraRank = 16;

    public static JsonObject Run(BenchPreset preset, string modeName, int steps, int threads, bool autogradLoss)
    {
        var parts = modeName.Split('+');
        string mode = parts[0];
        bool checkpointing = parts.Contains("gc");
        var precision = parts.Contains("bf16") ? Precision.Bf16 : Precision.Fp32;
        bool bf16 = precision == Precision.Bf16;
        TorchRuntime.SetThreads(threads);
        var config = preset.ModelConfig();
        manual_seed(0);
        using var student = ModelFactory.Create(config);
        long n = student.ParameterCount();
        var rng = new Random(0);
        var rows = Enumerable.Range(0, preset.B * 4).Select(_ => new TokenSequence(
            Enumerable.Range(0, preset.T + 1).Select(_ => rng.Next(config.VocabSize)).ToArray(), [0, .. Enumerable.Repeat(1, preset.T)])).ToList();
        double rssAfterSetup;
        var times = new List<double>();
        var rssPerStep = new JsonArray();    // resident MB after each training step (warm-up included)
        var livePerStep = new JsonArray();   // live TorchSharp tensors after each training step
        var mklPerStep = new JsonArray();    // MB in oneMKL's buffer pool after each training step
        var faultsPerStep = new JsonArray(); // minor page faults during each training step (fresh pages the kernel zeroed)
        var phases = new List<StepPhases>(); // where each timed step's time went
        long lastFaults = 0;
        if (mode == "fwd")
        {
            student.eval();
            rssAfterSetup = Memory.CurrentRssMb();
            using var _ = inference_mode();
            using var autocast = Mft.Models.Layers.Autocast.Bf16(bf16);
            for (int i = 0; i < Warmup + steps; i++)
            {
                using var scope = NewDisposeScope();
                var batch = Batch.Collate(rows.Skip(i % 4 * preset.B).Take(preset.B).ToList(), CPU);
                var w = Stopwatch.StartNew();
                nn.functional.cross_entropy(student.Forward(batch.Inputs).flatten(0, 1), batch.Labels.flatten()).item<float>();
                if (i >= Warmup) times.Add(w.Elapsed.TotalSeconds);
            }
        }
        else
        {
            bool lora = mode is "lora" || mode.StartsWith("mft-lora", StringComparison.Ordinal);
            ITeacher? teacher = mode switch
            {
                "ft" or "lora" => null,
                "mft-lora" or "mft-lora-exact" => null,   // set after the adapters are attached
                _ => FrozenModelTeacher.CopyOf(student, precision),
            };
            if (lora) ModelAdapters.Attach(student, new AdapterConfig { Kind = AdapterKind.Lora, Rank = LoraRank, Alpha = 2 * LoraRank }, precision: precision);   // bf16: the frozen base in bf16
            if (mode is "mft-lora" or "mft-lora-exact") teacher = new AdaptersOffTeacher(student);
            if (mode == "mft-cached")
            {
                var online = teacher!;
                using var autocast = Mft.Models.Layers.Autocast.Bf16(bf16);
                teacher = TopKTeacherCache.Build(online, rows, config.VocabSize, CacheTopK, preset.B, "bench", CPU);
                online.Dispose();
            }
            if (mode is "mft-exact" or "mft-lora-exact")
            {
                var online = teacher!;
                Tensor head;
                var stateType = bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
                using (no_grad()) head = lora ? student.OutputWeight : student.OutputWeight.detach().to(stateType, copy: true);   // adapters: the frozen head, shared
                using var autocast = Mft.Models.Layers.Autocast.Bf16(bf16);
                teacher = ExactTeacherCache.Build(online, rows, head, preset.B, "bench", CPU, stateType);
                online.Dispose();
            }
            rssAfterSetup = Memory.CurrentRssMb();
            lastFaults = Memory.MinorFaults();
            var trainerConfig = new TrainerConfig
            {
                Method = mode is "ft" or "lora" ? "ft" : "mft", GradientCheckpointing = checkpointing, Tau = 0.2, MaxSteps = Warmup + steps, BatchSize = preset.B, ContextLength = preset.T,
                LearningRate = 3e-4, WeightDecay = 0.1, ClipNorm = 1.0, WarmupSteps = 0, Schedule = ScheduleKind.Constant, LossChunkTokens = 1024,
                AutogradLoss = autogradLoss, Precision = precision,
            };
            var outDir = Path.Combine(Path.GetTempPath(), $"mft-bench-{Environment.ProcessId}");
            // Under mpirun each rank trains its micro-batch of every step and the gradients are all-reduced (docs/cluster.md).
            var trainer = new Trainer(trainerConfig, student, teacher, rows, null, new Mft.Jobs.RunFolderRecord(outDir), "bench", Mft.Distributed.ProcessGroups.Detect());
            var w = Stopwatch.StartNew();
            int phaseStep = 0;
            trainer.PhasesTimed += p => { if (++phaseStep > Warmup) phases.Add(p); };
            trainer.StepCompleted += m =>
            {
                if (m.Step > Warmup) times.Add(w.Elapsed.TotalSeconds);
                rssPerStep.Add(Memory.CurrentRssMb());
                mklPerStep.Add(Memory.MklPoolMb());
                if (m.Step == Warmup && Environment.GetEnvironmentVariable("MFT_BENCH_SMAPS") is { Length: > 0 }) Memory.PrintMappings();
                livePerStep.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
                long faults = Memory.MinorFaults();
                faultsPerStep.Add(faults - lastFaults);
                lastFaults = faults;
                w.Restart();
            };
            trainer.Run();
            teacher?.Dispose();
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);   // ranks other than 0 write nothing
        }
        times.Sort();
        double median = times[times.Count / 2];
        double tokS = preset.B * preset.T / median;
        return new JsonObject
        {
            ["mode"] = modeName, ["n_params"] = n, ["median_step_s"] = median, ["min_step_s"] = times[0], ["max_step_s"] = times[^1],
            ["tokens_per_s"] = tokS, ["gflops"] = tokS * preset.FlopsPerToken(mode, n) / 1e9,
            ["peak_rss_mb"] = Memory.PeakRssMb(), ["rss_after_setup_mb"] = rssAfterSetup, ["steps"] = times.Count,
            ["rss_per_step_mb"] = rssPerStep, ["live_tensors_per_step"] = livePerStep, ["mkl_pool_mb_per_step"] = mklPerStep, ["minor_faults_per_step"] = faultsPerStep, ["malloc"] = AllocatorTuning.State,
            ["layer_recomputations"] = Mft.Models.Layers.ActivationCheckpoint.Recomputations,
            ["phase_median_s"] = phases.Count == 0 ? null : new JsonObject
            {
                ["forward"] = BenchTiming.Median(phases.Select(p => p.Forward)), ["loss+backward"] = BenchTiming.Median(phases.Select(p => p.LossAndBackward)),
                ["norm"] = BenchTiming.Median(phases.Select(p => p.Gradients)), ["adamw"] = BenchTiming.Median(phases.Select(p => p.Optimizer)),
            },
        };
    }

    public static double MatmulGflops(int n, int reps, int threads)
    {
        TorchRuntime.SetThreads(threads);
        using var a = randn(n, n);
        using var c = randn(n, n);
        return 2.0 * n * n * n / BenchTiming.MedianSeconds(() => a.matmul(c), warmups: 3, timed: reps) / 1e9;
    }

    private static class Memory
    {
        public static double PeakRssMb() => Field("VmHWM:");
        public static double CurrentRssMb() => Field("VmRSS:");

        /// <summary>Bytes held by oneMKL's own buffer pool (linked into libtorch_cpu), in MB; NaN where it cannot be asked.</summary>
        public static double MklPoolMb()
        {
            if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var torch) || !NativeLibrary.TryGetExport(torch, "mkl_serv_mem_stat", out var export))
                return double.NaN;
            return Marshal.GetDelegateForFunctionPointer<MemStat>(export)(out _) / 1048576.0;
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate long MemStat(out int buffers);

        /// <summary>Resident MB by kind of mapping (MFT_BENCH_SMAPS=1, after the warm-up): where memory that no tensor explains sits.</summary>
        public static void PrintMappings()
        {
            var rss = new Dictionary<string, (double Mb, int Count)>();
            string kind = "";
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 5 && parts[0].Contains('-') && !line.EndsWith(" kB", StringComparison.Ordinal))
                {
                    var range = parts[0].Split('-');
                    double mb = (Convert.ToUInt64(range[1], 16) - Convert.ToUInt64(range[0], 16)) / 1048576.0;
                    string path = parts.Length > 5 ? parts[5] : "";
                    kind = path.Length > 0 && !path.StartsWith('[') ? (path.EndsWith(".so", StringComparison.Ordinal) || path.Contains(".so.") ? "libraries" : "files")
                         : path.Length > 0 ? path : mb >= 2 ? $"anonymous >= 2 MB" : "anonymous < 2 MB";
                }
                else if (parts.Length >= 2 && parts[0] == "Rss:")
                {
                    var (total, count) = rss.GetValueOrDefault(kind);
                    rss[kind] = (total + double.Parse(parts[1], CultureInfo.InvariantCulture) / 1024, count + 1);
                }
            }
            foreach (var (k, (mb, count)) in rss.OrderByDescending(e => e.Value.Mb))
                File.AppendAllText(Environment.GetEnvironmentVariable("MFT_BENCH_SMAPS")!, $"smaps {k,-20} {mb,9:F0} MB resident in {count} mappings\n");
        }

        /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat).</summary>
        public static long MinorFaults()
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // fields from 3 (state) on
            return long.Parse(fields[10 - 3], CultureInfo.InvariantCulture);
        }

        private static double Field(string name)
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(name, StringComparison.Ordinal))
                    return double.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            return double.NaN;
        }
    }
}
