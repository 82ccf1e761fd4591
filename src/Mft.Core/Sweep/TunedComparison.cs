using System.Globalization;
using System.Text;
using Mft.Evaluation;

namespace Mft.Sweep;

/// <summary>
/// Each method at its best, chosen on the validation sets only (never the test sets), with test figures reported as
/// mean ± sd over seeds. A method's learning rate (one variant of its <c>lrs</c> grid) and stopping step are chosen
/// together, as early stopping with keep-best would choose them, from the seed-averaged validation trajectories:
/// (1) within each degeneralization budget, the (rate, step) with the highest validation S whose validation D stays
/// within it (<see cref="DegeneralizationBudget"/> on the validation figures); (2) at matched specialization, MFT at its choice for the largest budget, against each baseline at the
/// rate whose validation trajectory gives up the least validation D at MFT's validation S. Differences between
/// methods are paired by seed (<see cref="PairedDifference"/>).
/// </summary>
public sealed class TunedComparison
{
    /// <summary>A method's (rate, step) chosen within a degeneralization budget, with its test S and D per seed.</summary>
    public sealed record BudgetChoice(string Domain, DataBudget Budget, string Method, double MaxD, string Variant, int Step,
        double ValidationS, double ValidationD, SeedSpread S, SeedSpread D)
    {
        /// <summary>
        /// The change of the first task's acc and acc_norm (tuned minus base) per seed, where the runs' returned
        /// weights answer this budget: they scored tasks and kept their own best step within it on validation
        /// (<c>max_degeneralization</c> equal to <see cref="MaxD"/>); null elsewhere. A run's own step may differ from
        /// <see cref="Step"/>, the step chosen on the seed-averaged validation figures.
        /// </summary>
        public (SeedSpread Accuracy, SeedSpread NormalizedAccuracy)? TaskChange { get; init; }
    }

    /// <summary>MFT's chosen point against a baseline's best rate at the same test specialization, seed by seed.</summary>
    public sealed record MatchedChoice(string Domain, DataBudget Budget, string Mft, string MftVariant, int MftStep, string Baseline, string? BaselineVariant,
        SeedSpread MatchedS, SeedSpread MftD, SeedSpread BaselineD, PairedDifference? DDifference)
    {
        /// <summary>How many times more the baseline degeneralizes at MFT's specialization (ratio of seed means).</summary>
        public double? Advantage => BaselineD.Count > 0 && MftD.Mean > 0 ? BaselineD.Mean / MftD.Mean : null;
    }

    public required SweepConfig Config { get; init; }
    public required IReadOnlyList<BudgetChoice> Budgets { get; init; }
    public required IReadOnlyList<MatchedChoice> Matched { get; init; }

    /// <summary>Whether the sweep has validation sets to choose on.</summary>
    public static bool Applies(SweepConfig config) => config.ValidationSamples > 0;

    public static TunedComparison Of(SweepConfig config, IReadOnlyList<SweepRun> runs)
    {
        var means = MeanTrajectory.Of(runs);
        var budgets = new List<BudgetChoice>();
        var matched = new List<MatchedChoice>();
        foreach (var domain in config.Domains)
            foreach (var budget in config.DataBudgets())
            {
                IReadOnlyList<MeanTrajectory> Of(SweepMethod m) =>
                    [.. m.Variants().Select(v => means.FirstOrDefault(t => t.Domain == domain && t.Budget == budget && t.Method == v.Name)).OfType<MeanTrajectory>()];
                IReadOnlyList<SweepRun> RunsOf(string variant) =>
                    [.. runs.Where(r => r.Domain == domain && r.Budget == budget && r.Method == variant).OrderBy(r => r.Seed)];
                foreach (var method in config.Methods)
                    foreach (var maxD in config.DegeneralizationBudgets)
                        if (DegeneralizationBudget.Best(Of(method), maxD, DegeneralizationBudget.Figures.Validation) is { Trajectory: var variant, Point: var point })
                        {
                            var at = RunsOf(variant.Method).Select(r => r.Trajectory.First(p => p.Step == point.Step)).ToList();
                            budgets.Add(new BudgetChoice(domain, budget, method.Name, maxD, variant.Method, point.Step, point.ValidationS, point.ValidationD,
                                new SeedSpread([.. at.Select(p => p.Report.Specialization)]), new SeedSpread([.. at.Select(p => p.Report.Degeneralization ?? double.NaN)]))
                            {
                                TaskChange = TaskChangeOf(config, variant.Method, maxD, RunsOf(variant.Method)),
                            });
                        }
                foreach (var mft in config.Methods.Where(config.IsMft))
                {
                    var reference = budgets.LastOrDefault(c => c.Domain == domain && c.Budget == budget && c.Method == mft.Name && c.MaxD == config.DegeneralizationBudgets.Max());
                    if (reference is null) continue;
                    var mftRuns = RunsOf(reference.Variant);
                    foreach (var baseline in config.Methods.Where(m => config.Template(m).Trainer.Kind == Objectives.TrainingMethod.Finetuning))   // ft, with or without adapters or replay
                    {
                        var best = Of(baseline).Select(t => (t, d: DAtValidationS(t, reference.ValidationS))).Where(x => x.d is not null).OrderBy(x => x.d!.Value).Select(x => x.t).FirstOrDefault();   // none: no baseline reaches MFT's S
                        var sMatched = new List<double>();
                        var dMft = new List<double>();
                        var dBaseline = new List<double>();
                        foreach (var run in mftRuns)
                        {
                            var p = run.Trajectory.First(q => q.Step == reference.Step);
                            var other = best is null ? null : RunsOf(best.Method).FirstOrDefault(r => r.Seed == run.Seed);
                            if (other is null || MatchedComparison.DegeneralizationAt(other.Trajectory, p.Report.Specialization) is not double d) continue;
                            sMatched.Add(p.Report.Specialization);
                            dMft.Add(p.Report.Degeneralization ?? double.NaN);
                            dBaseline.Add(d);
                        }
                        matched.Add(new MatchedChoice(domain, budget, mft.Name, reference.Variant, reference.Step, baseline.Name, best?.Method,
                            new SeedSpread(sMatched), new SeedSpread(dMft), new SeedSpread(dBaseline), sMatched.Count > 0 ? PairedDifference.Of(dBaseline, dMft) : null));
                    }
                }
            }
        return new TunedComparison { Config = config, Budgets = budgets, Matched = matched };
    }

    /// <summary>The runs' first-task changes per seed, when their returned weights are their own choice within <paramref name="maxD"/> (<see cref="BudgetChoice.TaskChange"/>).</summary>
    private static (SeedSpread, SeedSpread)? TaskChangeOf(SweepConfig config, string variant, double maxD, IReadOnlyList<SweepRun> runs)
    {
        var kept = config.Template(config.Variants().First(v => v.Name == variant)).Trainer.MaxDegeneralization;
        if (kept is not double k || Math.Abs(k - maxD) > 1e-12 || runs.Count == 0 || runs.Any(r => r.Tasks.Count == 0)) return null;
        return (new SeedSpread([.. runs.Select(r => r.Tasks[0].Tuned.Accuracy - r.Tasks[0].Base.Accuracy)]),
            new SeedSpread([.. runs.Select(r => r.Tasks[0].Tuned.NormalizedAccuracy - r.Tasks[0].Base.NormalizedAccuracy)]));
    }

    /// <summary>Validation D where the seed-averaged validation trajectory first reaches validation S <paramref name="s"/> (linear between evaluations); null if it never does.</summary>
    public static double? DAtValidationS(MeanTrajectory t, double s) =>
        SdInterpolation.DegeneralizationAt(t.Points.Select(p => (p.ValidationS, double.IsFinite(p.ValidationD) ? p.ValidationD : (double?)null)).ToList(), s);

    private static string P(double x) => double.IsFinite(x) ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) : "-";
    private static string Pm(SeedSpread x) => x.Count == 0 ? "-" : $"{P(x.Mean)} ± {P(x.Std)}";
    private static string Pp(double x) => (100 * x).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>One row per choice: what was chosen on validation, and its test figures per seed.</summary>
    public string Csv()
    {
        bool tasks = Budgets.Any(c => c.TaskChange is not null);
        var sb = new StringBuilder("kind,domain,budget,epoch_matched,method,max_degeneralization,variant,step,validation_s,validation_d,s_mean,s_std,d_mean,d_std,baseline,baseline_variant,baseline_d_mean,baseline_d_std,seeds"
            + (tasks ? ",task_acc_change_mean,task_acc_change_std,task_acc_norm_change_mean,task_acc_norm_change_std" : "") + "\n");
        string Task(BudgetChoice? c) => !tasks ? "" : c?.TaskChange is var (a, n)
            ? "," + string.Join(',', F(a.Mean), F(a.Std), F(n.Mean), F(n.Std)) : ",,,,";
        string F(double x) => double.IsFinite(x) ? x.ToString("F5", CultureInfo.InvariantCulture) : "";
        foreach (var c in Budgets)
            sb.AppendLine(string.Join(',', "budget", c.Domain, c.Budget.Samples, c.Budget.EpochMatched, c.Method, F(c.MaxD), c.Variant, c.Step, F(c.ValidationS), F(c.ValidationD),
                F(c.S.Mean), F(c.S.Std), F(c.D.Mean), F(c.D.Std), "", "", "", "", c.S.Count) + Task(c));
        foreach (var m in Matched)
            sb.AppendLine(string.Join(',', "matched", m.Domain, m.Budget.Samples, m.Budget.EpochMatched, m.Mft, "", m.MftVariant, m.MftStep, "", "",
                F(m.MatchedS.Mean), F(m.MatchedS.Std), F(m.MftD.Mean), F(m.MftD.Std), m.Baseline, m.BaselineVariant ?? "", F(m.BaselineD.Mean), F(m.BaselineD.Std), m.MatchedS.Count) + Task(null));
        return sb.ToString();
    }

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Tuned comparison: settings and stopping step chosen on validation only");
        sb.AppendLine();
        sb.AppendLine($"Validation sets: {Config.ValidationSamples} domain samples and {Config.ValidationSamples} general documents from the held-out files, disjoint from the test samples. " +
                      "Each method's settings (its variants above: the learning rate, and every other key its grid varies) and stopping step are chosen together on seed-averaged validation figures, as early stopping with keep-best would; " +
                      "the figures below are the test figures of that choice, mean ± sd over seeds. The per-variant tables above choose on test figures and are optimistic; these are not. " +
                      "\"within noise\": the 95% confidence interval of the seed-paired difference (t with seeds - 1 degrees of freedom) contains 0.");
        sb.AppendLine();
        var mftNames = Config.Methods.Where(Config.IsMft).Select(m => m.Name).ToHashSet();
        foreach (var domain in Config.Domains)
            foreach (var budget in Config.DataBudgets())
            {
                var here = Budgets.Where(c => c.Domain == domain && c.Budget == budget).ToList();
                if (here.Count == 0) continue;
                sb.AppendLine($"## {domain}, {budget.Label}");
                sb.AppendLine();
                sb.Append("| method |");
                foreach (var d in Config.DegeneralizationBudgets) sb.Append($" best S at D ≤ {Pp(d)}%: S / D (lr, step) |");
                sb.AppendLine();
                sb.Append("|---|");
                foreach (var _ in Config.DegeneralizationBudgets) sb.Append("---|");
                sb.AppendLine();
                foreach (var method in Config.Methods)
                {
                    sb.Append($"| {method.Name} |");
                    foreach (var d in Config.DegeneralizationBudgets)
                        sb.Append(here.FirstOrDefault(c => c.Method == method.Name && c.MaxD == d) is { } c
                            ? $" {Pm(c.S)} / {Pm(c.D)} ({LrOf(c.Variant)}, step {c.Step}) |" : " - |");
                    sb.AppendLine();
                }
                sb.AppendLine();
                foreach (var d in Config.DegeneralizationBudgets)
                    foreach (var mft in here.Where(c => mftNames.Contains(c.Method) && c.MaxD == d))
                        foreach (var other in here.Where(c => !mftNames.Contains(c.Method) && c.MaxD == d))
                        {
                            var diff = PairedDifference.Of(mft.S.Values, other.S.Values);
                            sb.AppendLine($"- D ≤ {Pp(d)}%, S of {mft.Method} minus {other.Method}: {P(diff.Mean)} ± {P(diff.HalfWidth)} points" +
                                          (diff.WithinNoise ? " — **within noise**." : diff.Mean > 0 ? $" — {mft.Method} higher." : $" — {other.Method} higher."));
                        }
                AppendTaskChanges(sb, here, mftNames);
                var matched = Matched.Where(m => m.Domain == domain && m.Budget == budget).ToList();
                if (matched.Count > 0)
                {
                    sb.AppendLine();
                    sb.AppendLine("At matched specialization (MFT at its choice for the largest budget; each baseline at the learning rate that, on validation, gives up the least D at MFT's S; " +
                                  "its test D read off its trajectory at MFT's test S, seed by seed):");
                    sb.AppendLine();
                    sb.AppendLine("| MFT (lr, step) | baseline (lr) | matched S % | MFT D % | baseline D % | D ratio | baseline - MFT D, 95% CI |");
                    sb.AppendLine("|---|---|---|---|---|---|---|");
                    foreach (var m in matched)
                        sb.AppendLine($"| {m.Mft} ({LrOf(m.MftVariant)}, step {m.MftStep}) | {m.Baseline} ({(m.BaselineVariant is null ? "never reaches MFT's S" : LrOf(m.BaselineVariant))}) | " +
                                      $"{Pm(m.MatchedS)} | {Pm(m.MftD)} | {Pm(m.BaselineD)} | {(m.Advantage is double a ? a.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-")} | " +
                                      (m.DDifference is { } dd ? $"{P(dd.Mean)} ± {P(dd.HalfWidth)}{(dd.WithinNoise ? " (within noise)" : "")}" : "-") +
                                      (m.MatchedS.Count < m.MftD.Count || m.BaselineVariant is not null && m.MatchedS.Count < Config.Seeds.Count ? $" ({m.MatchedS.Count} of {Config.Seeds.Count} seeds reach it)" : "") + " |");
                }
                sb.AppendLine();
            }
        return sb.ToString();
    }

    /// <summary>The first task's changes at the budget the runs kept their weights for, per method, and MFT's paired differences from the others.</summary>
    private static void AppendTaskChanges(StringBuilder sb, IReadOnlyList<BudgetChoice> here, IReadOnlySet<string> mftNames)
    {
        var withTasks = here.Where(c => c.TaskChange is not null).ToList();
        if (withTasks.Count == 0) return;
        double maxD = withTasks[0].MaxD;
        sb.AppendLine();
        sb.AppendLine($"First task, change against the base model (points, mean ± sd over seeds) at D ≤ {Pp(maxD)}%: each run returns its weights at its own " +
                      $"evaluated step with the lowest domain validation perplexity whose general validation perplexity rose at most {Pp(maxD)}% (max_degeneralization), " +
                      "and the task is scored there.");
        sb.AppendLine();
        sb.AppendLine("| method (variant) | Δ acc | Δ acc_norm |");
        sb.AppendLine("|---|---|---|");
        foreach (var c in withTasks)
            sb.AppendLine($"| {c.Method} ({c.Variant}) | {Pm(c.TaskChange!.Value.Accuracy)} | {Pm(c.TaskChange!.Value.NormalizedAccuracy)} |");
        sb.AppendLine();
        foreach (var mft in withTasks.Where(c => mftNames.Contains(c.Method)))
            foreach (var other in withTasks.Where(c => !mftNames.Contains(c.Method)))
            {
                var diff = PairedDifference.Of(mft.TaskChange!.Value.NormalizedAccuracy.Values, other.TaskChange!.Value.NormalizedAccuracy.Values);
                sb.AppendLine($"- Δ acc_norm of {mft.Method} minus {other.Method}: {P(diff.Mean)} ± {P(diff.HalfWidth)} points" +
                              (diff.WithinNoise ? " — **within noise**." : diff.Mean > 0 ? $" — {mft.Method} forgets less." : $" — {other.Method} forgets less."));
            }
    }

    /// <summary>A variant's learning rate, and the other values its method's grid chose (<c>lr 0.001, tau 0.1</c>).</summary>
    private string LrOf(string variant)
    {
        var v = Config.Variants().First(m => m.Name == variant);
        var family = Config.Methods.First(m => m.Name == v.FamilyName);
        var others = family.Grid.Keys.Where(k => k != "lr").Select(k => $", {k} {v.Settings[k]}");
        return $"lr {Config.Template(v).Trainer.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}{string.Concat(others)}";
    }
}
