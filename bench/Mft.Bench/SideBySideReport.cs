using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mft.Bench;

/// <summary>
/// Turns result files of both implementations (Mft's --json and pytorch_bench.py's --json) into one markdown
/// table per configuration, with the issue's targets checked.
/// </summary>
public static class SideBySideReport
{
    public static int Write(string[] args)
    {
        int at = Array.IndexOf(args, "--out");
        if (at < 0 || at + 1 >= args.Length) { Console.Error.WriteLine("usage: Mft.Bench report --out FILE.md RESULT.json ..."); return 2; }
        var outPath = args[at + 1];
        var files = args.Where((_, i) => i != at && i != at + 1).ToList();
        var results = files.Select(f => (File: f, Json: (JsonObject)JsonNode.Parse(File.ReadAllText(f))!)).ToList();
        var sb = new StringBuilder();
        string F(double x, string f = "F1") => x.ToString(f, CultureInfo.InvariantCulture);
        var mftFirst = results.First(r => IsMft(r.Json)).Json;
        sb.AppendLine($"# Training throughput: Mft vs PyTorch, {mftFirst["date"]}");
        sb.AppendLine();
        sb.AppendLine($"Machine: {mftFirst["cpu"]}, {mftFirst["cores"]} cores, fp32, {mftFirst["threads"]} threads. Random tokens, AdamW (lr 3e-4, weight decay 0.1), " +
                      $"clip 1.0, tau 0.2; median of {mftFirst["steps"]} steps after 3 warm-up steps; each mode in its own process (peak RSS = that process's VmHWM). " +
                      "GFLOP/s = tokens/s x FLOPs per token, forward = 2N + 4 L T d (N parameters with the tied embedding once; full attention scores), training 3x forward, " +
                      "mft adds the teacher's forward; mft-cached counts the student only (its teacher ran once before timing). Run one after the other by bench/side-by-side.sh.");
        sb.AppendLine();
        foreach (var preset in results.Select(r => r.Json["preset"]!.GetValue<string>()).Distinct())
        {
            var mft = results.Where(r => IsMft(r.Json) && r.Json["preset"]!.GetValue<string>() == preset).Select(r => r.Json).LastOrDefault();
            var torch = results.Where(r => !IsMft(r.Json) && r.Json["preset"]!.GetValue<string>() == preset).Select(r => r.Json).LastOrDefault();
            if (mft is null) continue;
            double mftMatmul = mft["matmul_gflops"]!.GetValue<double>();
            double? torchMatmul = torch?["matmul"]?["gflops_median"]?.GetValue<double>();
            sb.AppendLine($"## {preset}");
            sb.AppendLine();
            sb.AppendLine($"matmul 1024³ fp32 in the same run: Mft (libtorch) {F(mftMatmul)} GFLOP/s{(torchMatmul is double tm ? $", PyTorch 1.13 (OpenBLAS) {F(tm)} GFLOP/s" : "")}.");
            sb.AppendLine();
            sb.AppendLine("| mode | Mft tok/s | PyTorch tok/s | Mft / PyTorch | Mft step ms | Mft GFLOP/s (% of matmul) | Mft peak RSS MB | PyTorch peak RSS MB |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|");
            var modes = (JsonObject)mft["modes"]!;
            foreach (var (mode, node) in modes)
            {
                var m = (JsonObject)node!;
                double tok = m["tokens_per_s"]!.GetValue<double>();
                var p = TorchFor(torch, mode);
                double? ptok = p?["tokens_per_s"]?.GetValue<double>();
                sb.AppendLine($"| {mode} | {F(tok)} | {(ptok is double x ? F(x) : "-")} | {(ptok is double y ? F(tok / y, "F2") + "x" : "-")} | {F(m["median_step_s"]!.GetValue<double>() * 1e3)} | " +
                              $"{F(m["gflops"]!.GetValue<double>())} ({F(100 * m["gflops"]!.GetValue<double>() / mftMatmul, "F0")}%) | {F(m["peak_rss_mb"]!.GetValue<double>(), "F0")} | " +
                              $"{(p?["peak_rss_mb"]?.GetValue<double>() is double r ? F(r, "F0") : "-")} |");
            }
            sb.AppendLine();
            // where the step's time went (median seconds per phase), Mft's phases beside the peer's, which splits the step differently
            foreach (var (mode, node) in modes)
            {
                if (node?["phase_median_s"] is not JsonObject ph) continue;
                var pph = TorchFor(torch, mode)?["phase_median_s"] as JsonObject;
                string Phases(JsonObject o) => string.Join(", ", o.Select(kv => $"{kv.Key} {F(kv.Value!.GetValue<double>(), "F3")}"));
                sb.AppendLine($"- phases, {mode} (median s): Mft {Phases(ph)}" + (pph is null ? "" : $"; PyTorch {Phases(pph)}") + ".");
            }
            sb.AppendLine();
            double Step(JsonNode? n) => n!["median_step_s"]!.GetValue<double>();
            double Rss(JsonNode? n) => n!["peak_rss_mb"]!.GetValue<double>();
            if (modes.ContainsKey("ft") && modes.ContainsKey("mft"))
            {
                sb.AppendLine($"- mft / ft step time: Mft {F(Step(modes["mft"]) / Step(modes["ft"]), "F3")} (target ≤ 1.35)" +
                              (torch?["modes"]?["mft"] is { } pm && torch["modes"]?["ft"] is { } pf ? $", PyTorch {F(Step(pm) / Step(pf), "F3")}" : "") + ".");
                if (modes.ContainsKey("mft-exact"))
                    sb.AppendLine($"- mft-exact / ft step time: {F(Step(modes["mft-exact"]) / Step(modes["ft"]), "F3")} (target ≤ 1.10 on bench-small, ≤ 1.05 on bench-medium).");
                if (modes.ContainsKey("mft-cached"))
                    sb.AppendLine($"- mft-cached / ft step time: {F(Step(modes["mft-cached"]) / Step(modes["ft"]), "F3")} (target ≤ 1.1).");
                sb.AppendLine($"- peak RSS mft / ft: {F(Rss(modes["mft"]) / Rss(modes["ft"]), "F2")} including the teacher's weights; " +
                              $"{F((Rss(modes["mft"]) - TeacherMb(modes)) / Rss(modes["ft"]), "F2")} excluding them (target ≤ 1.3).");
            }
            foreach (var (mode, node) in modes.Where(m => m.Key.EndsWith("+gc", StringComparison.Ordinal) && modes.ContainsKey(m.Key[..^3])))
            {
                var plain = modes[mode[..^3]];
                sb.AppendLine($"- activation checkpointing, {mode[..^3]}: peak RSS {F(Rss(plain), "F0")} → {F(Rss(node), "F0")} MB ({F(100 * (Rss(node) / Rss(plain) - 1), "F1")}%), " +
                              $"step time x{F(Step(node) / Step(plain), "F2")}.");
            }
            foreach (var (mode, node) in modes.Where(m => m.Key.EndsWith("+bf16", StringComparison.Ordinal) && modes.ContainsKey(m.Key[..^5])))
            {
                var fp32 = modes[mode[..^5]];
                var peer = TorchFor(torch, mode);
                sb.AppendLine($"- bf16, {mode[..^5]}: {F(Step(fp32) / Step(node), "F2")}x Mft fp32's tokens/s (target ≥ 1.6x)" +
                              (peer is not null ? $", {F(Step(peer) / Step(node), "F2")}x PyTorch autocast's (target ≥ 1.1x)" : "") +
                              $"; peak RSS {F(Rss(fp32), "F0")} → {F(Rss(node), "F0")} MB.");
            }
            if (torch?["modes"]?["ft"] is { } torchFt)
            {
                var targets = new List<string>();
                foreach (var (mode, node) in modes.Where(m => m.Key != "fwd"))
                {
                    bool mftMode = mode.StartsWith("mft", StringComparison.Ordinal) && !mode.StartsWith("mft-lora", StringComparison.Ordinal);
                    var reference = mftMode ? torch["modes"]?["mft"] : torchFt;
                    if (reference is null) continue;
                    targets.Add($"{mode} {F(Rss(node) / Rss(reference), "F2")}x PyTorch {(mftMode ? "mft" : "ft")}");
                }
                sb.AppendLine($"- peak RSS against PyTorch (targets: ft and mft ≤ 0.8x, MFT+LoRA ≤ 0.5x PyTorch's ft): {string.Join("; ", targets)}.");
            }
            sb.AppendLine();
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        File.WriteAllText(outPath, sb.ToString());
        Console.WriteLine(sb.ToString());
        return 0;
    }

    /// <summary>
    /// The peer's result for an Mft mode: the same name; for a "+bf16" mode, the peer's own mode from a file written with
    /// --bf16 when one was given (its "modes_bf16"), else nothing.
    /// </summary>
    private static JsonNode? TorchFor(JsonObject? torch, string mode) =>
        mode.EndsWith("+bf16", StringComparison.Ordinal) ? torch?["modes_bf16"]?[mode[..^5]] : torch?["modes"]?[mode];

    private static bool IsMft(JsonObject json) => json["implementation"]?.GetValue<string>() == "mft";

    /// <summary>The teacher copy's fp32 weights, in MB.</summary>
    private static double TeacherMb(JsonObject modes) => modes["mft"]!["n_params"]!.GetValue<long>() * 4 / 1048576.0;
}
