using Mft.Evaluation;
using Mft.Sweep;

namespace Mft.Tests.Sweep;

public sealed class SweepTests
{
    private static SweepConfig Config(string data) => SweepFile.Parse(TinySweep.Yaml(
        "{ft: {method: ft}, mft+lora: {method: mft, tau: 0.2, adapter: lora}, replay: {method: ft, replay_fraction: 0.25}}", data: data), "tiny.yaml");

    [Fact]
    public void Should_run_the_grid_write_tables_and_plots_and_resume_without_retraining()
    {
        // Given
        var config = Config(TinyCorpus.DataFolder());
        var outDir = Path.Combine(TempDir.Create("sweep-out"), "sweep");
        // When
        var runs = new SweepRunner(config, outDir, overwrite: false).Run();
        // Then every cell ran, on the same base measurement per seed, with the budgets and replay honoured
        Assert.Equal(2 * 2 * 3, runs.Count);
        Assert.All(runs.GroupBy(r => r.Seed), g => Assert.Single(g.Select(r => r.Trajectory[0].General).Distinct()));
        Assert.All(runs, r => Assert.Equal(r.Budget.Samples, r.TrainSamples));
        Assert.True(runs.First(r => r.Method == "mft+lora").TrainableParameters < runs.First(r => r.Method == "ft").TrainableParameters / 3);
        foreach (var f in new[] { "report.md", "results.csv", "summary.csv", "trajectories.csv", "sd-cats-n20.png", "sd-cats-n40.svg", "ratio-cats.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        Assert.Equal(1 + 12, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length);
        Assert.Equal(1 + 2 * 3, File.ReadAllLines(Path.Combine(outDir, "summary.csv")).Length);
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("## cats, 40 samples", report);
        Assert.Contains("best S at D ≤ 2%", report);
        // and each method against ft at matched specialization: S* is the smaller of the two seed-mean final S
        double FinalS(string method) => runs.Where(r => r.Method == method && r.Budget.Samples == 40).Average(r => r.Final.Report.Specialization);
        var matchedS = Math.Min(FinalS("ft"), FinalS("replay"));
        Assert.Contains($"- replay at S* = {(100 * matchedS).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}%: D(ft) = ", report);
        var replayReport = File.ReadAllText(Path.Combine(outDir, "runs", "cats", "n40", "seed0", "replay", "report.json"));
        Assert.Contains("\"replay_samples\": 13", replayReport);
        Assert.False(Directory.Exists(Path.Combine(outDir, "runs", "cats", "n40", "seed0", "ft", "model")));

        // When the same sweep runs again, and a run is missing its report (interrupted)
        var missing = Path.Combine(outDir, "runs", "cats", "n20", "seed1", "replay");
        Directory.Delete(missing, recursive: true);
        var kept = Path.Combine(outDir, "runs", "cats", "n20", "seed0", "ft", "report.json");
        var stamp = File.GetLastWriteTimeUtc(kept);
        var again = new SweepRunner(config, outDir, overwrite: false).Run();
        // Then only the missing run trains again, and the results agree
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(kept));
        Assert.True(File.Exists(Path.Combine(missing, "report.json")));
        Assert.Equal(runs.Select(r => r.Final.Report.Specialization), again.Select(r => r.Final.Report.Specialization), new ToleranceComparer(1e-9));

        // And another config in the same folder is refused
        var e = Assert.Throws<MftException>(() => new SweepRunner(config.With("max_steps", "5"), outDir, overwrite: false).Run());
        Assert.Contains("another config", e.Message);
    }

    [Fact]
    public void Should_refuse_unknown_keys_and_bad_methods_naming_the_file()
    {
        var path = Path.Combine(TempDir.Create("sweep-yaml"), "sweep.yaml");
        File.WriteAllText(path, "grid: {domain: [cats]}\nstepz: 3\n");
        var e = Assert.Throws<MftException>(() => SweepFile.Load(path));
        Assert.Equal($"{path}: line 2: unknown key 'stepz' in the sweep", e.Message);
        File.WriteAllText(path, TinySweep.Yaml("{a: {method: mft, seed: 3}}"));
        e = Assert.Throws<MftException>(() => SweepFile.Load(path));
        Assert.Equal($"{path}: method a: seed is set by the sweep for each run (the grid's seed)", e.Message);
    }

    [Fact]
    public void Should_choose_the_most_specialized_point_within_the_degeneralization_budget()
    {
        MeanPoint P(int step, double s, double d) => new(step, s, 0, d, 0, 0, 0);
        var a = new MeanTrajectory("x", new DataBudget(1, 10, false), "mft-0.1", 3, [P(0, 0, 0), P(5, 0.30, 0.01), P(10, 0.45, 0.03)], 1, 1, 1);
        var b = new MeanTrajectory("x", new DataBudget(1, 10, false), "mft-0.25", 3, [P(0, 0, 0), P(5, 0.40, 0.019), P(10, 0.60, 0.08)], 1, 1, 1);
        Assert.Equal(("mft-0.25", 5), Pick(DegeneralizationBudget.Best([a, b], 0.02)));
        Assert.Equal(("mft-0.1", 10), Pick(DegeneralizationBudget.Best([a, b], 0.05)));
        Assert.Equal(("mft-0.25", 10), Pick(DegeneralizationBudget.Best([a, b], 0.10)));
        Assert.Null(DegeneralizationBudget.Best([a, b], 0.005));
        Assert.Equal([0, 5, 10], ParetoFront.Of(b.Points).Select(p => p.Step));
        Assert.Equal([0, 10], ParetoFront.Of([P(0, 0, 0), P(5, 0.2, 0.05), P(10, 0.3, 0.04)]).Select(p => p.Step));
    }

    private static (string, int)? Pick(DegeneralizationBudget.Choice? c) => c is null ? null : (c.Method, c.Point.Step);

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
