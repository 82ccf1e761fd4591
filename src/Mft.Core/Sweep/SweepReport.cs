using System.Globalization;
using System.Text;
using Mft.Checkpoints;
using Mft.Evaluation;

namespace Mft.Sweep;

/// <summary>
/// Writes a sweep's results: results.csv (one row per run), trajectories.csv (every evaluation), summary.csv and
/// report.md (mean and spread over seeds per domain, budget and method; the best S within each degeneralization
/// budget; the tau and step chosen for each budget), and the plots. When the runs scored tasks, results.csv,
/// summary.csv and report.md add the first task file's acc and acc_norm, base and tuned, and their changes
/// (<see cref="MeanTaskScores"/>); without tasks they are as before.
/// </summary>
public static class SweepReport
{
    private static string F(double? x, string format = "F2") => x is double v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
    private static string P(double x, int digits = 1) => (100 * x).ToString($"F{digits}", CultureInfo.InvariantCulture);
    /// <summary>A change of a fraction in percentage points, signed: +1.5, -0.5.</summary>
    private static string Signed(double x) => (100 * x).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    /// <summary>Writes every table, plot and the report; <paramref name="elapsed"/> is the wall time when one process ran the sweep (null when collected from shards).</summary>
    public static void Write(SweepConfig config, IReadOnlyList<SweepRun> runs, string dir, TimeSpan? elapsed)
    {
        var means = MeanTrajectory.Of(runs);
        foreach (var domain in config.Domains)
        {
            foreach (var budget in config.DataBudgets())
            {
                var group = means.Where(m => m.Domain == domain && m.Budget == budget).ToList();
                if (group.Count > 0) SweepPlots.SdFronts($"{domain}, {budget.Label}: S-D per method (Pareto front as line)", group, Path.Combine(dir, $"sd-{domain}-{budget.Folder}"));
            }
            var byDomain = means.Where(m => m.Domain == domain).ToList();
            if (byDomain.Count > 0) SweepPlots.RatioByBudget($"{domain}: S/D against data budget", byDomain, Path.Combine(dir, $"ratio-{domain}"));
        }
        AtomicFile.WriteAllText(Path.Combine(dir, "results.csv"), ResultsCsv(runs));
        AtomicFile.WriteAllText(Path.Combine(dir, "trajectories.csv"), TrajectoriesCsv(runs));
        AtomicFile.WriteAllText(Path.Combine(dir, "summary.csv"), SummaryCsv(means));
        var tuned = TunedComparison.Applies(config) ? TunedComparison.Of(config, runs) : null;
        if (tuned is not null) AtomicFile.WriteAllText(Path.Combine(dir, "tuned.csv"), tuned.Csv());
        AtomicFile.WriteAllText(Path.Combine(dir, "report.md"), Markdown(config, runs, means, elapsed) + tuned?.Markdown());
    }

    /// <summary>The columns of the first task file's scores (<see cref="TaskCells"/>), after a run's or a method's other columns.</summary>
    public const string TaskColumns = ",task,task_acc_base,task_acc,task_acc_change,task_acc_norm_base,task_acc_norm,task_acc_norm_change";

    /// <summary>The first task file's scores in <see cref="TaskColumns"/>'s order; empty values when there are none.</summary>
    public static string TaskCells(MeanTaskScores? t) => t is null ? ",,,,,,," : "," + string.Join(',', t.Task, F(t.AccuracyBase, "F4"), F(t.Accuracy, "F4"),
        F(t.AccuracyChange, "F4"), F(t.NormalizedAccuracyBase, "F4"), F(t.NormalizedAccuracy, "F4"), F(t.NormalizedAccuracyChange, "F4"));

    private static bool HasTasks(IEnumerable<SweepRun> runs) => runs.Any(r => r.Tasks.Count > 0);

    private static string ResultsCsv(IReadOnlyList<SweepRun> runs)
    {
        bool tasks = HasTasks(runs);
        var sb = new StringBuilder("domain,budget,epoch_matched,seed,method,train_samples,trainable_parameters,steps,domain_ppl_base,domain_ppl,general_ppl_base,general_ppl,specialization,degeneralization,ratio,seconds"
            + (tasks ? TaskColumns : "") + "\n");
        foreach (var r in runs)
        {
            var f = r.Final.Report;
            sb.AppendLine(string.Join(',', r.Domain, r.Budget.Samples, r.Budget.EpochMatched, r.Seed, r.Method, r.TrainSamples, r.TrainableParameters, r.Final.Step,
                F(f.DomainBase, "F4"), F(f.Domain, "F4"), F(f.GeneralBase, "F4"), F(f.General, "F4"), F(f.Specialization, "F5"), F(f.Degeneralization, "F5"), F(f.Ratio, "F4"), F(r.Seconds, "F1"))
                + (tasks ? TaskCells(MeanTaskScores.Of([r])) : ""));
        }
        return sb.ToString();
    }

    private static string TrajectoriesCsv(IReadOnlyList<SweepRun> runs)
    {
        var sb = new StringBuilder("domain,budget,epoch_matched,seed,method,step,domain_ppl,general_ppl,specialization,degeneralization,domain_validation_ppl,general_validation_ppl,validation_specialization,validation_degeneralization\n");
        foreach (var r in runs)
            foreach (var p in r.Trajectory)
                sb.AppendLine(string.Join(',', r.Domain, r.Budget.Samples, r.Budget.EpochMatched, r.Seed, r.Method, p.Step, F(p.DomainTest, "F4"), F(p.General, "F4"),
                    F(p.Report.Specialization, "F5"), F(p.Report.Degeneralization, "F5"), F(p.DomainValidation, "F4"), F(p.GeneralValidation, "F4"),
                    F(p.Validation?.Specialization, "F5"), F(p.Validation?.Degeneralization, "F5")));
        return sb.ToString();
    }

    private static string SummaryCsv(IReadOnlyList<MeanTrajectory> means)
    {
        bool tasks = means.Any(m => m.Task is not null);
        var sb = new StringBuilder("domain,budget,epoch_matched,method,seeds,train_samples,trainable_parameters,domain_ppl,general_ppl,s_mean,s_std,d_mean,d_std,ratio_of_means,seconds_per_run"
            + (tasks ? TaskColumns : "") + "\n");
        foreach (var m in means)
        {
            var f = m.Final;
            sb.AppendLine(string.Join(',', m.Domain, m.Budget.Samples, m.Budget.EpochMatched, m.Method, m.Seeds, m.TrainSamples, m.TrainableParameters, F(f.DomainPpl, "F4"), F(f.GeneralPpl, "F4"),
                F(f.S, "F5"), F(f.SStd, "F5"), F(f.D, "F5"), F(f.DStd, "F5"), F(f.Ratio, "F4"), F(m.Seconds, "F1")) + (tasks ? TaskCells(m.Task) : ""));
        }
        return sb.ToString();
    }

    public static string Markdown(SweepConfig config, IReadOnlyList<SweepRun> runs, IReadOnlyList<MeanTrajectory> means, TimeSpan? elapsed)
    {
        var sb = new StringBuilder();
        var methods = config.Variants();
        // a tuned sweep compares at matched specialization at its tuned choices (TunedComparison); against one ft
        // learning rate of its grid the comparison would say little
        bool tuned = TunedComparison.Applies(config);
        sb.AppendLine("# Method sweep: finetuning, MFT, PEFT adapters and replay");
        sb.AppendLine();
        var shared = config.Shared;
        sb.AppendLine($"Base model `{shared.ModelDirectory}`; domains {string.Join(", ", config.Domains)}; data budgets {string.Join(", ", config.DataBudgets().Select(b => b.Label))}; " +
                      $"seeds {string.Join(", ", config.Seeds)}. Every run: {config.Steps} steps (unless its budget says otherwise) of {shared.Trainer.BatchSize} x {shared.Trainer.ContextLength} tokens, {EnumOption.Name(shared.Trainer.Schedule)} schedule, " +
                      $"evaluated at {(shared.Trainer.EvaluationSpacing == Training.EvaluationSpacing.Quadratic ? "quadratically" : "evenly")} spaced steps on {config.DomainTestSamples} held-out domain samples and {shared.GeneralMaxSamples} held-out general documents " +
                      $"(the same for every method of a seed). {runs.Count} runs, " +
                      (elapsed is { } wall ? $"{wall.TotalMinutes:F1} min of which {runs.Sum(r => r.Seconds) / 60:F1} min training and evaluation, {Environment.ProcessorCount} cores."
                                           : $"{runs.Sum(r => r.Seconds) / 60:F1} min of training and evaluation, collected from shards."));
        sb.AppendLine();
        // the table's columns show these keys; the options column (only where a method sets others) the rest of a method's settings
        string[] columns = ["method", "tau", "adapter", "lora_rank", "lora_alpha", "replay_fraction", "lr"];
        string Others(SweepMethod m) => string.Join(", ", m.Settings.Where(p => !columns.Contains(p.Key)).Select(p => $"{p.Key}={p.Value}"));
        bool withOptions = methods.Any(m => Others(m).Length > 0);
        sb.AppendLine("| method | objective | adapter | replay | lr |" + (withOptions ? " options |" : ""));
        sb.AppendLine("|---|---|---|---|---|" + (withOptions ? "---|" : ""));
        foreach (var m in methods)
        {
            var o = config.Template(m);
            var adapter = o.Adapter is { } a ? Adapters.AdapterConfig.Name(a.Kind) + (a.Kind == Adapters.AdapterKind.Ia3 ? "" : $" r={a.Rank} α={a.Alpha}") : "-";
            sb.AppendLine($"| {m.Name} | {o.Trainer.Method}{(o.Trainer.Kind.UsesTau ? $" τ={o.Trainer.Tau}" : "")} | {adapter} | {(o.ReplayFraction > 0 ? P(o.ReplayFraction, 0) + "%" : "-")} | {F(o.Trainer.LearningRate, "G3")} |"
                + (withOptions ? $" {(Others(m) is { Length: > 0 } others ? others : "-")} |" : ""));
        }
        sb.AppendLine();
        sb.AppendLine("S = specialization (domain perplexity decrease), D = degeneralization (general perplexity increase), both relative to the base model, " +
                      "mean ± standard deviation over seeds at the last step; S/D is the ratio of the means (\"-\" when D ≤ 0). " +
                      $"\"best S at D ≤ x\" is the highest seed-mean S among a method's evaluated steps whose seed-mean D is at most x (\"-\": none)." +
                      (means.FirstOrDefault(m => m.Task is not null)?.Task is { } first
                          ? $" Task columns: acc and acc_norm on {first.Task} ({first.Items} items, chance = 1/choices), seed means, of the returned weights; Δ in percentage points against the base model (docs/evaluation.md)."
                          : ""));
        sb.AppendLine();
        foreach (var domain in config.Domains)
            foreach (var budget in config.DataBudgets())
            {
                var group = methods.Select(m => means.FirstOrDefault(t => t.Domain == domain && t.Budget == budget && t.Method == m.Name)).OfType<MeanTrajectory>().ToList();
                if (group.Count == 0) continue;
                sb.AppendLine($"## {domain}, {budget.Label} ({group[0].TrainSamples} used, {group.Max(g => g.Seeds)} seeds)");
                sb.AppendLine();
                var task = group[0].Task;   // the first task file's scores, when the runs scored tasks
                sb.Append("| method | trainable params | domain ppl | general ppl | S % | D % | S/D |");
                if (task is not null) sb.Append($" {task.Task} acc % | Δ acc | acc_norm % | Δ acc_norm |");
                foreach (var d in config.DegeneralizationBudgets) sb.Append($" best S at D ≤ {P(d, 0)}% |");
                sb.AppendLine(" s/run |");
                sb.Append("|---|---|---|---|---|---|---|");
                if (task is not null) sb.Append("---|---|---|---|");
                foreach (var _ in config.DegeneralizationBudgets) sb.Append("---|");
                sb.AppendLine("---|");
                var basePoint = group[0].Points[0];
                sb.Append($"| base | - | {F(basePoint.DomainPpl)} | {F(basePoint.GeneralPpl)} | 0 | 0 | - |");
                if (task is not null) sb.Append($" {P(task.AccuracyBase)} | - | {P(task.NormalizedAccuracyBase)} | - |");
                foreach (var _ in config.DegeneralizationBudgets) sb.Append(" - |");
                sb.AppendLine(" - |");
                foreach (var m in group)
                {
                    var f = m.Final;
                    sb.Append($"| {m.Method} | {m.TrainableParameters:N0} | {F(f.DomainPpl)} | {F(f.GeneralPpl)} | {P(f.S)} ± {P(f.SStd)} | {P(f.D)} ± {P(f.DStd)} | {F(f.Ratio)} |");
                    if (m.Task is { } t) sb.Append($" {P(t.Accuracy)} | {Signed(t.AccuracyChange)} | {P(t.NormalizedAccuracy)} | {Signed(t.NormalizedAccuracyChange)} |");
                    else if (task is not null) sb.Append(" - | - | - | - |");
                    foreach (var d in config.DegeneralizationBudgets)
                        sb.Append(DegeneralizationBudget.Best([m], d) is { } c ? $" {P(c.Point.S)} (step {c.Point.Step}) |" : " - |");
                    sb.AppendLine($" {F(m.Seconds, "F0")} |");
                }
                sb.AppendLine();
                var mft = group.Where(g => config.IsMft(methods.First(m => m.Name == g.Method))).ToList();
                foreach (var d in config.DegeneralizationBudgets)
                {
                    var any = DegeneralizationBudget.Best(group, d);
                    var tau = DegeneralizationBudget.Best(mft, d);
                    sb.AppendLine($"- D ≤ {P(d, 0)}%: " +
                        (tau is null ? "no MFT setting stays within it" : $"choose **{tau.Method}** stopped at step {tau.Point.Step} (S {P(tau.Point.S)}%, D {P(tau.Point.D)}%)") +
                        (any is null ? "; no method stays within it." : $"; best of all methods: {any.Method} at step {any.Point.Step} (S {P(any.Point.S)}%, D {P(any.Point.D)}%)."));
                }
                sb.AppendLine();
                if (!tuned && MatchedToFinetuning(config, methods, group) is { Length: > 0 } matched)
                {
                    sb.Append(matched);
                    sb.AppendLine();
                }
                sb.AppendLine($"![S-D, {domain}, {budget.Label}](sd-{domain}-{budget.Folder}.png)");
                sb.AppendLine();
            }
        foreach (var domain in config.Domains)
            if (means.Any(m => m.Domain == domain)) sb.AppendLine($"![S/D against budget, {domain}](ratio-{domain}.png)");
        sb.AppendLine();
        return sb.ToString();
    }

    /// <summary>
    /// Each method against full finetuning (the first method that is plain ft: no adapter, no replay) at matched
    /// specialization, on the seed-mean trajectories (<see cref="MatchedComparison"/>); empty when the sweep has no such ft.
    /// Untuned sweeps only (the demo's); a tuned sweep's report has its own section at the tuned choices.
    /// </summary>
    private static string MatchedToFinetuning(SweepConfig config, IReadOnlyList<SweepMethod> methods, IReadOnlyList<MeanTrajectory> group)
    {
        var ftName = methods.FirstOrDefault(config.IsPlainFinetuning)?.Name;
        var ft = group.FirstOrDefault(g => g.Method == ftName);
        if (ft is null) return "";
        static List<(double S, double? D)> Sd(MeanTrajectory t) => [.. t.Points.Select(p => (p.S, (double?)p.D))];
        var sb = new StringBuilder($"At matched specialization (S* = the smaller final S of the two; D read off each seed-mean trajectory at S* by linear interpolation), against {ft.Method}:\n\n");
        foreach (var m in group.Where(g => g != ft))
        {
            var cmp = MatchedComparison.Compare(Sd(ft), Sd(m));
            sb.AppendLine(cmp is null
                ? $"- {m.Method}: no matched comparison (a run did not specialize, or a trajectory does not reach S*)."
                : $"- {m.Method} at S* = {P(cmp.MatchedSpecialization)}%: D({ft.Method}) = {P(cmp.BaselineD, 2)}%, D({m.Method}) = {P(cmp.CandidateD, 2)}% → " +
                  $"{m.Method}'s S/D is {cmp.Verdict} {ft.Method}'s.");
        }
        return sb.ToString();
    }
}