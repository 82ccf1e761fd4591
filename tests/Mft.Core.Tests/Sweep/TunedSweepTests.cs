using System.Text.Json.Nodes;
using Mft.Evaluation;
using Mft.Jobs;
using Mft.Sweep;

namespace Mft.Tests.Sweep;

public sealed class TunedSweepTests
{
    [Fact]
    public void Should_run_learning_rate_grids_validation_sets_and_epoch_matched_budgets()
    {
        // Given a sweep with a learning-rate grid, validation sets and epoch-matched budgets
        var config = TinySweep.Config("{ft: {method: ft, lr: [1.0e-3, 1.0e-2]}, mft: {method: mft, tau: 0.2, weight_decay: 0.1}}",
            train: "warmup_steps: 2", top: "validation_samples: 5\nepoch_matched: true\ndegeneralization_budgets: [0.5, 5.0]");
        var outDir = Path.Combine(TempDir.Create("tuned-sweep"), "sweep");
        // When
        var runs = new SweepRunner(config, outDir, overwrite: false).Run();
        // Then every variant ran on every budget, the epoch-matched one for half the steps (20 of 40 samples) with half the warm-up
        Assert.Equal(3 * 2 * 3, runs.Count);
        Assert.Equal(["ft@0.001", "ft@0.01", "mft"], runs.Select(r => r.Method).Distinct().Order());
        Assert.All(runs.Where(r => r.Budget.EpochMatched), r => Assert.Equal((20, 2), (r.Budget.Samples, r.Final.Step)));
        Assert.All(runs.Where(r => !r.Budget.EpochMatched), r => Assert.Equal(4, r.Final.Step));
        var options = File.ReadAllLines(Path.Combine(outDir, "runs", "cats", "n20-epochs", "seed0", "ft@0.01", "run_config.yaml"));
        Assert.Contains("warmup_steps: 1", options);
        Assert.Contains("lr: 0.01", options);
        Assert.Contains("weight_decay: 0", options);
        // and a method's own train options reach its runs only
        Assert.Contains("weight_decay: 0.1", File.ReadAllLines(Path.Combine(outDir, "runs", "cats", "n20-epochs", "seed0", "mft", "run_config.yaml")));
        // and every evaluation has validation S and D next to the test ones, from sets of its own
        Assert.All(runs.SelectMany(r => r.Trajectory), p => Assert.NotNull(p.Validation?.Degeneralization));
        Assert.All(runs, r => Assert.NotEqual(r.Trajectory[0].Report.GeneralBase, r.Trajectory[0].Validation!.GeneralBase));
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("# Tuned comparison", report);
        Assert.Contains("## cats, 20 samples, 2 steps (epoch-matched)", report);
        // and the matched comparison is the tuned one only, not each learning rate against the grid's first ft
        Assert.Contains("At matched specialization (MFT at its choice for the largest budget;", report);
        Assert.DoesNotContain("At matched specialization (S* = the smaller final S of the two;", report);
        Assert.True(File.Exists(Path.Combine(outDir, "sd-cats-n20-epochs.png")));
        var tuned = File.ReadAllLines(Path.Combine(outDir, "tuned.csv"));
        Assert.Contains(tuned, l => l.StartsWith("matched,cats,40,False,mft,", StringComparison.Ordinal));
    }

    private static EvaluationPoint Point(int step, double testS, double testD, double valS, double valD) =>
        new(step, 100 * (1 - valS), 100 * (1 - testS), 100 * (1 + testD), new SpecializationReport(100, 100 * (1 - testS), 100, 100 * (1 + testD)))
        {
            Validation = new SpecializationReport(100, 100 * (1 - valS), 100, 100 * (1 + valD)),
        };

    private static SweepConfig TwoMethods() => SweepFile.Parse("""
        grid: {domain: [x], max_samples: [10], seed: [0, 1, 2]}
        validation_samples: 5
        degeneralization_budgets: [0.05]
        train: {max_steps: 10}
        methods: {ft: {method: ft, lr: [1.0e-4, 1.0e-3]}, mft: {method: mft, tau: 0.1}}
        """, "two-methods.yaml");

    [Fact]
    public void Should_choose_rate_and_step_on_validation_figures_only()
    {
        // Given ft@0.001 looks best on the test sets but ft@0.0001 on the validation sets
        var budget = new DataBudget(10, 10, false);
        SweepRun Run(string method, int seed, params EvaluationPoint[] points) => new("x", budget, seed, method, 10, 1, [Point(0, 0, 0, 0, 0), .. points], 1);
        var runs = new List<SweepRun>();
        foreach (var seed in new[] { 0, 1, 2 })
        {
            double e = 0.01 * seed;
            runs.Add(Run("ft@0.0001", seed, Point(5, 0.20 + e, 0.04, 0.30, 0.04), Point(10, 0.30 + e, 0.08, 0.40, 0.08)));
            runs.Add(Run("ft@0.001", seed, Point(5, 0.35 + e, 0.04, 0.25, 0.04), Point(10, 0.50 + e, 0.20, 0.50, 0.20)));
            runs.Add(Run("mft", seed, Point(5, 0.20 + e, 0.01, 0.20, 0.01), Point(10, 0.30 + e, 0.02 + e, 0.30, 0.02)));
        }
        // When
        var tuned = TunedComparison.Of(TwoMethods(), runs);
        // Then within D <= 5% ft is ft@0.0001 at step 5 (validation S 0.30 beats 0.25), reported with its test S per seed
        var ft = Assert.Single(tuned.Budgets, c => c.Method == "ft");
        Assert.Equal(("ft@0.0001", 5), (ft.Variant, ft.Step));
        Assert.Equal([0.20, 0.21, 0.22], ft.S.Values, new Tolerance(1e-12));
        Assert.Equal(0.21, ft.S.Mean, 12);
        Assert.Equal(0.01, ft.S.Std, 12);
        var mft = Assert.Single(tuned.Budgets, c => c.Method == "mft");
        Assert.Equal(10, mft.Step);
        // and at MFT's validation S (0.30), ft@0.0001 gives up D 0.04 against ft@0.001's 0.04 + (0.20 - 0.04) x (0.30 - 0.25) / 0.25 = 0.072;
        // on test, at MFT's S of seed s (0.30 + e), ft@0.0001 is at D 0.08 (its last point, S 0.30 + e)
        var m = Assert.Single(tuned.Matched);
        Assert.Equal("ft@0.0001", m.BaselineVariant);
        Assert.Equal([0.08, 0.08, 0.08], m.BaselineD.Values, new Tolerance(1e-12));
        Assert.Equal([0.02, 0.03, 0.04], m.MftD.Values, new Tolerance(1e-12));
        Assert.Equal(0.08 / 0.03, m.Advantage!.Value, 9);
        Assert.False(m.DDifference!.WithinNoise);
    }

    [Fact]
    public void Should_report_task_changes_where_the_runs_kept_their_weights_within_the_budget()
    {
        // Given runs that scored a task on weights kept within D <= 5% (max_degeneralization 0.05, the report's budget)
        var config = SweepFile.Parse("""
            grid: {domain: [x], max_samples: [10], seed: [0, 1, 2]}
            validation_samples: 5
            degeneralization_budgets: [0.02, 0.05]
            train: {max_steps: 10, max_degeneralization: 0.05}
            methods: {ft: {method: ft, lr: [1.0e-4, 1.0e-3]}, mft: {method: mft, tau: [0.05, 0.1]}}
            """, "tasks.yaml");
        var budget = new DataBudget(10, 10, false);
        var chance = new ChoiceTaskResult(200, 0.30, 0.03, 0.40, 0.03);
        SweepRun Run(string method, int seed, double normChange, params EvaluationPoint[] points) =>
            new("x", budget, seed, method, 10, 1, [Point(0, 0, 0, 0, 0), .. points], 1)
            {
                Tasks = [new TaskScores("general.jsonl", chance, chance with { Accuracy = 0.30 + normChange / 2, NormalizedAccuracy = 0.40 + normChange })],
            };
        var runs = new List<SweepRun>();
        foreach (var seed in new[] { 0, 1, 2 })
        {
            runs.Add(Run("ft@0.0001", seed, -0.05 - 0.01 * seed, Point(5, 0.20, 0.01, 0.30, 0.01), Point(10, 0.30, 0.04, 0.40, 0.04)));
            runs.Add(Run("ft@0.001", seed, -0.20, Point(5, 0.35, 0.20, 0.25, 0.20), Point(10, 0.50, 0.30, 0.50, 0.30)));
            runs.Add(Run("mft@0.05", seed, 0.0, Point(5, 0.20, 0.01, 0.20, 0.01), Point(10, 0.30, 0.02, 0.30, 0.02)));
            runs.Add(Run("mft@0.1", seed, 0.01 * seed, Point(5, 0.25, 0.01, 0.25, 0.01), Point(10, 0.45, 0.03, 0.45, 0.03)));
        }
        // When
        var tuned = TunedComparison.Of(config, runs);
        // Then the D <= 5% choices carry their runs' task changes per seed, the D <= 2% ones none (their runs kept other weights)
        var ft = Assert.Single(tuned.Budgets, c => c.Method == "ft" && c.MaxD == 0.05);
        Assert.Equal("ft@0.0001", ft.Variant);
        Assert.Equal([-0.05, -0.06, -0.07], ft.TaskChange!.Value.NormalizedAccuracy.Values, new Tolerance(1e-12));
        Assert.Equal([-0.025, -0.03, -0.035], ft.TaskChange!.Value.Accuracy.Values, new Tolerance(1e-12));
        var mft = Assert.Single(tuned.Budgets, c => c.Method == "mft" && c.MaxD == 0.05);
        Assert.Equal("mft@0.1", mft.Variant);   // tau is chosen on validation like the learning rate
        Assert.Equal([0.0, 0.01, 0.02], mft.TaskChange!.Value.NormalizedAccuracy.Values, new Tolerance(1e-12));
        Assert.All(tuned.Budgets.Where(c => c.MaxD == 0.02), c => Assert.Null(c.TaskChange));
        // and the report pairs them by seed: mft minus ft = 0.05, 0.07, 0.09 -> 7.0 ± 4.303 x 0.02 / sqrt 3 = 5.0 points
        var markdown = tuned.Markdown();
        Assert.Contains("| mft (mft@0.1) | 0.5 ± 0.5 | 1.0 ± 1.0 |", markdown);
        Assert.Contains("- Δ acc_norm of mft minus ft: 7.0 ± 5.0 points — mft forgets less.", markdown);
        var csv = tuned.Csv().Split('\n');
        Assert.EndsWith(",task_acc_change_mean,task_acc_change_std,task_acc_norm_change_mean,task_acc_norm_change_std", csv[0]);
        Assert.Contains(csv, l => l.StartsWith("budget,x,10,False,mft,0.05000,mft@0.1,", StringComparison.Ordinal) && l.EndsWith(",0.00500,0.00500,0.01000,0.01000", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_call_a_paired_difference_noise_when_its_confidence_interval_holds_zero()
    {
        // diffs 2, 3, 4: mean 3, sd 1, half-width t(2) / sqrt(3) = 4.303 / 1.732 = 2.484
        var clear = PairedDifference.Of([3, 4, 5], [1, 1, 1]);
        Assert.Equal(3, clear.Mean, 12);
        Assert.Equal(4.303 / Math.Sqrt(3), clear.HalfWidth, 9);
        Assert.False(clear.WithinNoise);
        // diffs 1, 5, 0: mean 2, sd 2.646, half-width 6.57
        Assert.True(PairedDifference.Of([1, 5, 0], [0, 0, 0]).WithinNoise);
        Assert.True(PairedDifference.Of([1], [0]).WithinNoise);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(30)]
    public void Should_tabulate_student_t_quantiles_that_hold_95_percent(int df)
    {
        // Independent reference: integrate Student's t density from -t to t (Simpson's rule) and expect 0.95
        double t = PairedDifference.StudentT95(df);
        double Density(double x) => Math.Exp(LogGamma((df + 1) / 2.0) - LogGamma(df / 2.0)) / Math.Sqrt(df * Math.PI) * Math.Pow(1 + x * x / df, -(df + 1) / 2.0);
        const int n = 20000;
        double h = 2 * t / n, sum = Density(-t) + Density(t);
        for (int i = 1; i < n; i++) sum += (i % 2 == 1 ? 4 : 2) * Density(-t + i * h);
        Assert.Equal(0.95, sum * h / 3, 3);
    }

    private static double LogGamma(double x)
    {
        // Lanczos approximation (g = 7, n = 9), accurate to about 1e-15 for x > 0.5
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                      12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        double a = c[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) a += c[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    [Fact]
    public void Should_expand_grids_into_named_variants_and_refuse_repeated_values()
    {
        var config = TwoMethods().With("max_samples", "500,2000").With("max_steps", "60").With("warmup_steps", "5").With("epoch_matched", "true");
        Assert.Equal(["ft@0.0001", "ft@0.001", "mft"], config.Variants().Select(v => v.Name));
        Assert.Equal([new DataBudget(500, 60, false), new DataBudget(2000, 60, false), new DataBudget(500, 15, true)], config.DataBudgets());
        Assert.Equal(1, config.WarmupStepsFor(new DataBudget(500, 15, true), 5));
        Assert.Equal(5, config.WarmupStepsFor(new DataBudget(500, 60, false), 5));
        // a grid over two keys makes every combination, the first key varying slowest
        var both = SweepFile.Parse("methods: {m: {method: mft, tau: [0.1, 0.25], lr: [1.0e-4, 1.0e-3]}}", "s");
        Assert.Equal(["m@0.1@0.0001", "m@0.1@0.001", "m@0.25@0.0001", "m@0.25@0.001"], both.Variants().Select(v => v.Name));
        Assert.Equal(("0.25", "0.001"), (both.Variants()[3].Settings["tau"], both.Variants()[3].Settings["lr"]));
        var bad = SweepFile.Parse(TinySweep.Yaml("{ft: {method: ft, lr: [1.0e-3, 0.001]}}"), "bad.yaml");
        Assert.Equal("bad.yaml: method ft: lr: a list of values must be distinct, and not empty", Assert.Throws<MftException>(() => bad.Validate("bad.yaml")).Message);
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
