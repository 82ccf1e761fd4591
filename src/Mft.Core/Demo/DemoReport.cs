using System.Globalization;
using System.Text;

namespace Mft.Demo;

/// <summary>Writes report.md, results.csv and one S-D plot per domain (PNG and SVG) for a demo run.</summary>
public static class DemoReport
{
    public static void Write(DemoConfig config, IReadOnlyList<DemoRun> runs, TimeSpan elapsed)
    {
        var dir = config.OutputDirectory;
        foreach (var domain in runs.Select(r => r.Domain).Distinct())
            SdPlot.Save($"{domain}: {config.Samples} samples", runs.Where(r => r.Domain == domain).Select(r => (r.Label, r.Trajectory)).ToList(),
                Path.Combine(dir, $"sd-{domain}"));
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(dir, "results.csv"), Csv(runs));
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(dir, "report.md"), Markdown(config, runs, elapsed));
    }

    private static string F(double? x, string format = "F2") => x is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Csv(IReadOnlyList<DemoRun> runs)
    {
        var sb = new StringBuilder("domain,method,tau,steps,domain_ppl_base,domain_ppl,general_ppl_base,general_ppl,specialization,degeneralization,ratio\n");
        foreach (var r in runs)
        {
            var f = r.Final.Report;
            sb.AppendLine(string.Join(',', r.Domain, r.Method, F(r.Tau), r.Steps, F(f.DomainBase, "F4"), F(f.Domain, "F4"), F(f.GeneralBase, "F4"),
                F(f.General, "F4"), F(f.Specialization, "F5"), F(f.Degeneralization, "F5"), F(f.Ratio, "F4")));
        }
        return sb.ToString();
    }

    public static string Markdown(DemoConfig config, IReadOnlyList<DemoRun> runs, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Mft demo: finetuning vs minifinetuning on the embedded base model");
        sb.AppendLine();
        sb.AppendLine($"Base model `{config.ModelDirectory}`; {config.Samples} training samples per domain; every method trains for the same " +
                      $"number of steps ({(config.Steps > 0 ? $"{config.Steps} steps" : $"{config.Epochs} epochs")}, batch {config.BatchSize} x {config.ContextLength} tokens, lr {config.LearningRate}). " +
                      $"Domain perplexity on {config.DomainTestSamples} held-out domain samples, general perplexity on {config.GeneralTestSamples} held-out general documents. " +
                      $"Total time {elapsed.TotalMinutes:F1} min on {Environment.ProcessorCount} cores, {config.WorkerCount(runs.Count)} runs at a time with " +
                      $"{config.ThreadsPerRun(config.WorkerCount(runs.Count))} threads each (a run's time below is its own wall time).");
        sb.AppendLine();
        sb.AppendLine("S = (ppl_dom_base - ppl_dom) / ppl_dom_base (specialization), D = (ppl_gen - ppl_gen_base) / ppl_gen_base (degeneralization).");
        sb.AppendLine();
        sb.AppendLine($"One seed, and one learning rate ({config.LearningRate}) for finetuning: an untuned baseline. Finetuning at a tenth of that rate degeneralizes " +
                      "far less; the comparison against finetuning, LoRA and DoRA with their learning rate and stopping step tuned on validation sets, over 3 seeds, " +
                      "is `mft sweep --config sweeps/tuned.yaml` (committed in docs/sweep-report.md).");
        sb.AppendLine();
        foreach (var domain in runs.Select(r => r.Domain).Distinct())
        {
            var group = runs.Where(r => r.Domain == domain).ToList();
            sb.AppendLine($"## {domain}");
            sb.AppendLine();
            sb.AppendLine("| method | steps | domain ppl base → tuned | general ppl base → tuned | S | D | S/D | time |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var r in group)
            {
                var f = r.Final.Report;
                sb.AppendLine($"| {r.Label} | {r.Steps} | {F(f.DomainBase)} → {F(f.Domain)} | {F(f.GeneralBase)} → {F(f.General)} | " +
                              $"{F(f.Specialization, "P1")} | {F(f.Degeneralization, "P2")} | {f.RatioText} | {r.Elapsed.TotalSeconds:F0} s |");
            }
            sb.AppendLine();
            var ft = group.FirstOrDefault(r => r.Method == "ft");
            foreach (var mft in group.Where(r => r.Method == "mft"))
            {
                if (ft is null) break;
                var cmp = MatchedComparison.Compare(ft.Trajectory, mft.Trajectory);
                sb.AppendLine(cmp is null
                    ? $"- {mft.Label} vs ft: no matched comparison (a run did not specialize, or a trajectory does not reach the matched S)."
                    : $"- {mft.Label} vs ft at matched S = {cmp.MatchedSpecialization:P1}: D(ft) = {cmp.BaselineD:P2}, D(mft) = {cmp.CandidateD:P2} → " +
                      $"MFT's S/D is {cmp.Verdict} FT's{(cmp.Advantage is double a ? (a > 1 ? " (MFT better)" : " (FT better)") : "")}.");
            }
            sb.AppendLine();
            sb.AppendLine($"![S-D trajectories for {domain}](sd-{domain}.png)");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
