using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mft.Bench;

/// <summary>
/// Training throughput on the fixed configurations, one child process per mode (as the PyTorch peer does), with a
/// 1024³ fp32 matmul measured in the same run as the reference for achieved GFLOP/s.
/// Usage:
///   Mft.Bench [bench-small|bench-medium|bench-0.5b] [--steps 10] [--threads 2] [--modes ft,mft,mft-cached,mft-exact,fwd] [--json FILE] [--autograd-loss]
///   Mft.Bench report --out FILE.md FILE.json ...   (markdown table from Mft and PyTorch result files)
///   Mft.Bench cache-fidelity [--steps 60] [--k 8,32,128]   (teacher cache against the exact teacher, embedded model)
///   Mft.Bench optimizer [--preset bench-0.5b] [--slices ...]   (clipping and AdamW's update alone)
///   Mft.Bench gemm [--dtype bf16|fp32] [--shapes MxKxN,...]   (a step's products alone; bench/gemm.py in the peer)
///   mpirun -n N Mft.Bench allreduce [--presets bench-small,bench-medium,bench-0.5b] [--repeats 5]   (the gradient all-reduce)
/// </summary>
public static class BenchCommand
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "report") return SideBySideReport.Write(args[1..]);
        if (args.Length > 0 && args[0] == "cache-fidelity") return CacheFidelity.Run(args[1..]);
        if (args.Length > 0 && args[0] == "allreduce") return AllReduceBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "optimizer") return OptimizerBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "gemm") return GemmBench.Run(args[1..]);
        var preset = BenchPreset.All.GetValueOrDefault(args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "bench-small");
        if (preset is null) { Console.Error.WriteLine($"unknown preset; expected {string.Join(" or ", BenchPreset.All.Keys)}"); return 2; }
        string? Option(string name) => BenchArgs.Option(args, name);
        int steps = int.Parse(Option("--steps") ?? "10", CultureInfo.InvariantCulture);
        int threads = int.Parse(Option("--threads") ?? "2", CultureInfo.InvariantCulture);
        bool autograd = args.Contains("--autograd-loss");
        if (Option("--child") is { } childMode)
        {
            var result = childMode == "matmul"
                ? new JsonObject { ["gflops_median"] = ModeMeasurement.MatmulGflops(1024, 30, threads) }
                : ModeMeasurement.Run(preset, childMode, steps, threads, autograd);
            Console.WriteLine("RESULT " + result.ToJsonString());
            return 0;
        }

        var modes = (Option("--modes") ?? "ft,mft,mft-cached,fwd").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine($"Mft (TorchSharp 0.107 / libtorch 2.10) | {preset.Name}: vocab {preset.Vocab}, d {preset.D}, layers {preset.Layers}, " +
                          $"heads {preset.Heads}/{preset.KvHeads}, ffn {preset.Ffn}, T {preset.T}, B {preset.B} | threads {threads}{(autograd ? " | autograd loss" : "")}");
        var matmul = Spawn(preset, "matmul", steps, threads, autograd)["gflops_median"]!.GetValue<double>();
        Console.WriteLine($"matmul fp32 1024^3: median {matmul:F1} GFLOP/s");
        var results = new JsonObject();
        foreach (var mode in modes)
        {
            var r = Spawn(preset, mode, steps, threads, autograd);
            results[mode] = r;
            double gflops = r["gflops"]!.GetValue<double>();
            Console.WriteLine($"[{mode,-13}] median step {r["median_step_s"]!.GetValue<double>() * 1e3,8:F1} ms  {r["tokens_per_s"]!.GetValue<double>(),9:F1} tok/s  " +
                              $"{gflops,6:F1} GFLOP/s ({100 * gflops / matmul:F0}% of matmul)  peak RSS {r["peak_rss_mb"]!.GetValue<double>():F0} MB " +
                              $"(after setup {r["rss_after_setup_mb"]!.GetValue<double>():F0}){RssTrend(r)}");
        }
        double Step(string m) => results[m]!["median_step_s"]!.GetValue<double>();
        if (results.ContainsKey("ft"))
            foreach (var m in new[] { "mft", "mft-cached", "mft-exact" }.Where(results.ContainsKey))
                Console.WriteLine($"{m}/ft step-time ratio = {Step(m) / Step("ft"):F3}");
        var output = new JsonObject
        {
            ["implementation"] = "mft", ["preset"] = preset.Name, ["threads"] = threads, ["steps"] = steps, ["autograd_loss"] = autograd,
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["cpu"] = CpuModel(), ["cores"] = Environment.ProcessorCount, ["matmul_gflops"] = matmul, ["modes"] = results,
        };
        if (Option("--json") is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    /// <summary>Resident memory after step 3 and after the last step, and the live-tensor counts there (flat = no growth).</summary>
    private static string RssTrend(JsonObject r)
    {
        if (r["rss_per_step_mb"] is not JsonArray rss || rss.Count < 4) return "";
        var live = (JsonArray)r["live_tensors_per_step"]!;
        return $"  RSS step 3 -> {rss.Count}: {rss[2]!.GetValue<double>():F0} -> {rss[^1]!.GetValue<double>():F0} MB " +
               $"(max after step 3: {rss.Skip(2).Max(x => x!.GetValue<double>()):F0}), live tensors {live[2]} -> {live[^1]}" +
               (r["minor_faults_per_step"] is JsonArray f ? $", minor faults/step median {BenchTiming.Median(f.Select(x => (double)x!.GetValue<long>()))}" : "");
    }

    private static JsonObject Spawn(BenchPreset preset, string mode, int steps, int threads, bool autograd)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        var entry = Environment.GetCommandLineArgs()[0];
        if (entry.EndsWith(".dll", StringComparison.Ordinal)) start.ArgumentList.Add(entry);   // run through the dotnet host
        foreach (var a in new[] { preset.Name, "--child", mode, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        if (autograd) start.ArgumentList.Add("--autograd-loss");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"{mode} failed (exit {process.ExitCode}):\n{stdout}\n{stderr.Result}");
        return (JsonObject)JsonNode.Parse(line["RESULT ".Length..])!;
    }

    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
}
