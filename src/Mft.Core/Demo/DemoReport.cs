using System.Globalization;
using System.Text;
using Mft.Evaluation;
using Mft.Sweep;

namespace Mft.Demo;

/// <summary>
/// Writes report.md, results.csv and one S-D plot per domain (PNG and SVG) for the demo's runs; when the runs scored
/// tasks, the first task file's (the general task's) acc and acc_norm, base → tuned, next to S and D.
/// </summary>
public static class DemoReport
{
    /// <summary>A run as the report shows it: its method (for the label and tau) and what it measured.</summary>
    private sealed record Row(SweepRun Run, SweepMethod Method, SweepConfig Config)
    {
        public Jobs.FinetuneJobConfig Options => Config.Template(Method);
        public string Label => DemoPreset.Label(Config, Method);
        public EvaluationPoint Final => Run.Final;
        /// <summary>The scores on the first task file; null without tasks.</summary>
        public MeanTaskScores? Task => MeanTaskScores.Of([Run]);
    }

    public static void Write(SweepConfig config, IReadOnlyList<SweepRun> runs, string dir, TimeSpan elapsed, int workers, int threads)
    {
        var methods = config.Variants().ToDictionary(m => m.Name);
        var rows = runs.Select(r => new Row(r, methods[r.Method], config)).ToList();
        foreach (var domain in rows.Select(r => r.Run.Domain).Distinct())
            SweepPlots.SdTrajectories($"{domain}: {config.Budgets[0]} samples", rows.Where(r => r.Run.Domain == domain).Select(r => (r.Label, r.Run.Trajectory)).ToList(),
                Path.Combine(dir, $"sd-{domain}"));
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(dir, "results.csv"), Csv(rows));
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(dir, "report.md"), Markdown(config, rows, elapsed, workers, threads));
    }

    private static string F(double? x, string format = "F2") => x is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Csv(IReadOnlyList<Row> rows)
    {
        bool tasks = rows.Any(r => r.Task is not null);
        var sb = new StringBuilder("domain,method,tau,steps,domain_ppl_base,domain_ppl,general_ppl_base,general_ppl,specialization,degeneralization,ratio"
            + (tasks ? SweepReport.TaskColumns : "") + "\n");
        foreach (var r in rows)
        {
            var f = r.Final.Report;
            sb.AppendLine(string.Join(',', r.Run.Domain, r.Options.Trainer.Method, F(r.Options.Trainer.Kind.UsesTau ? r.Options.Trainer.Tau : null), r.Final.Step, F(f.DomainBase, "F4"), F(f.Domain, "F4"), F(f.GeneralBase, "F4"),
                F(f.General, "F4"), F(f.Specialization, "F5"), F(f.Degeneralization, "F5"), F(f.Ratio, "F4")) + (tasks ? SweepReport.TaskCells(r.Task) : ""));
        }
        return sb.ToString();
    }

    private static string Markdown(SweepConfig config, IReadOnlyList<Row> rows, TimeSpan elapsed, int workers, int threads)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Mft demo: finetuning vs minifinetuning on the embedded base model");
        sb.AppendLine();
        var shared = config.Shared;
        sb.AppendLine($"Base model `{shared.ModelDirectory}`; {config.Budgets[0]} training samples per domain; every method trains for the same " +
                      $"number of steps ({config.Steps} steps, batch {shared.Trainer.BatchSize} x {shared.Trainer.ContextLength} tokens, lr {shared.Trainer.LearningRate}). " +
                      $"Domain perplexity on {config.DomainTestSamples} held-out domain samples, general perplexity on {shared.GeneralMaxSamples} held-out general documents. " +
                      $"Total time {elapsed.TotalMinutes:F1} min on {Environment.ProcessorCount} cores, {workers} runs at a time with " +
                      $"{threads} threads each (a run's time below is its own wall time; runs finished by an earlier, interrupted demo are read, not trained).");
        sb.AppendLine();
        sb.AppendLine("S = (ppl_dom_base - ppl_dom) / ppl_dom_base (specialization), D = (ppl_gen - ppl_gen_base) / ppl_gen_base (degeneralization).");
        sb.AppendLine();
        sb.AppendLine($"One seed, and one learning rate ({shared.Trainer.LearningRate}) for finetuning: an untuned baseline. Finetuning at a tenth of that rate degeneralizes " +
                      "far less; the comparison against finetuning and LoRA with their learning rate, MFT's tau and every stopping step tuned on validation sets, over 3 seeds, " +
                      "is `mft sweep --config sweeps/tuned-domains.yaml` (committed in docs/sweep-report.md).");
        sb.AppendLine();
        foreach (var domain in rows.Select(r => r.Run.Domain).Distinct())
        {
            var group = rows.Where(r => r.Run.Domain == domain).ToList();
            var task = group[0].Task;   // the general task in sweeps/demo.yaml
            sb.AppendLine($"## {domain}");
            sb.AppendLine();
            sb.AppendLine("| method | steps | domain ppl base → tuned | general ppl base → tuned | S | D | S/D |"
                          + (task is null ? "" : $" {task.Task} acc base → tuned | acc_norm base → tuned |") + " time |");
            sb.AppendLine("|---|---|---|---|---|---|---|" + (task is null ? "" : "---|---|") + "---|");
            foreach (var r in group)
            {
                var f = r.Final.Report;
                sb.AppendLine($"| {r.Label} | {r.Final.Step} | {F(f.DomainBase)} → {F(f.Domain)} | {F(f.GeneralBase)} → {F(f.General)} | " +
                              $"{F(f.Specialization, "P1")} | {F(f.Degeneralization, "P2")} | {f.RatioText} |" +
                              (r.Task is { } t ? $" {F(t.AccuracyBase, "F3")} → {F(t.Accuracy, "F3")} | {F(t.NormalizedAccuracyBase, "F3")} → {F(t.NormalizedAccuracy, "F3")} |"
                               : task is null ? "" : " - | - |") + $" {r.Run.Seconds:F0} s |");
            }
            sb.AppendLine();
            if (task is not null)
            {
                var se = group[0].Run.Tasks[0].Base;
                sb.AppendLine($"{task.Task}: {task.Items} multiple-choice items (docs/evaluation.md); acc: the gold choice has the highest log-likelihood, acc_norm: per byte of the choice. " +
                              $"One standard error is about {se.AccuracyStderr:F3} (acc) and {se.NormalizedAccuracyStderr:F3} (acc_norm) at the base model's scores.");
                sb.AppendLine();
            }
            var ft = group.FirstOrDefault(r => config.IsPlainFinetuning(r.Method));
            foreach (var mft in group.Where(r => config.IsMft(r.Method)))
            {
                if (ft is null) break;
                var cmp = MatchedComparison.Compare(ft.Run.Trajectory, mft.Run.Trajectory);
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
