using Mft.Demo;
using Mft.Sweep;

namespace Mft.Tests.Demo;

[Collection("workers")]
public sealed class DemoRunnerTests
{
    /// <summary>The embedded preset on the tiny corpus: one small domain, few steps, set as mft demo's options set it.</summary>
    private static DemoConfig Tiny(string data, string outDir, IReadOnlyList<string> domains, IReadOnlyList<double> taus, int steps, int workers = 0) => new()
    {
        Sweep = DemoPreset.With(Shrunk(DemoPreset.Load()), new Dictionary<string, string>
        {
            ["model"] = TinyCorpus.ModelDirectory(), ["data_dir"] = data, ["domains"] = string.Join(',', domains),
            ["taus"] = string.Join(',', taus.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            ["samples"] = "40", ["steps"] = steps.ToString(System.Globalization.CultureInfo.InvariantCulture), ["evaluations"] = "2", ["context"] = "32", ["lr"] = "3e-3",
        }),
        OutputDirectory = outDir, Threads = 1, Workers = workers,
    };

    /// <summary>Smaller batches and evaluation sets than the preset's, which the demo's options do not set.</summary>
    private static SweepConfig Shrunk(SweepConfig preset) =>
        SweepOverrides.Apply(preset with { DomainTestSamples = 20 }, new Dictionary<string, string> { ["batch_size"] = "4", ["general_max_samples"] = "20" });

    [Fact]
    public void Should_run_the_embedded_preset_and_write_report_csv_and_plots()
    {
        // Given the preset: sweeps/demo.yaml as committed
        var preset = DemoPreset.Load();
        Assert.Equal(["bible", "jargon", "devil"], preset.Domains);
        Assert.Equal(["ft", "mft-tau0.1", "mft-tau0.25"], preset.Methods.Select(m => m.Name));
        var shared = preset.Shared.Trainer;
        Assert.Equal((500, 100, 5, 128, 1e-3), (preset.Budgets.Single(), preset.Steps, shared.Evaluations, shared.ContextLength, shared.LearningRate));
        // When it runs on a data folder laid out like data/ with one small domain
        var outDir = Path.Combine(TempDir.Create("demo-out"), "demo");
        var runs = new DemoRunner(Tiny(TinyCorpus.DataFolder(), outDir, ["cats"], [0.2], steps: 4)).Run();
        // Then
        Assert.Equal(["ft", "mft-tau0.2"], runs.Select(r => r.Method));
        Assert.Equal(runs[0].Final.Step, runs[1].Final.Step);
        Assert.Equal(runs[0].Final.Report.DomainBase, runs[1].Final.Report.DomainBase);
        foreach (var f in new[] { "report.md", "results.csv", "sd-cats.png", "sd-cats.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("## cats", report);
        Assert.Contains("| mft tau=0.2 | 4 |", report);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length);
        // and the general task of the data folder (tasks: {data}/tasks/general.jsonl), base → tuned next to S and D
        Assert.Equal(["general.jsonl"], runs.Select(r => Path.GetFileName(r.Tasks.Single().Path)).Distinct());
        Assert.Contains("| S | D | S/D | general.jsonl acc base → tuned | acc_norm base → tuned | time |", report);
        var t = runs[1].Tasks[0];
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| {t.Base.Accuracy:F3} → {t.Tuned.Accuracy:F3} | {t.Base.NormalizedAccuracy:F3} → {t.Tuned.NormalizedAccuracy:F3} |"), report);
        Assert.EndsWith(",task,task_acc_base,task_acc,task_acc_change,task_acc_norm_base,task_acc_norm,task_acc_norm_change", File.ReadAllLines(Path.Combine(outDir, "results.csv"))[0]);
    }

    [Fact]
    public void Should_continue_a_stopped_demo_and_refuse_another_in_its_folder()
    {
        // Given a demo stopped after its first run (its second run's folder holds no report)
        var data = TinyCorpus.DataFolder();
        var outDir = Path.Combine(TempDir.Create("demo-resume"), "demo");
        var config = Tiny(data, outDir, ["cats"], [0.2], steps: 4, workers: 1);
        using (var stop = new CancellationTokenSource())
        {
            var runner = new DemoRunner(config);
            runner.RunCompleted += (_, _) => stop.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => runner.Run(stop.Token));
        }
        Assert.False(File.Exists(Path.Combine(outDir, "report.md")));
        // When it runs again
        var trained = new List<bool>();
        var resumed = new DemoRunner(config);
        resumed.RunCompleted += (_, t) => trained.Add(t);
        var runs = resumed.Run();
        // Then the finished run is read, only the other trains, and the numbers are those of a demo run at once
        Assert.Equal([false, true], trained);
        var fresh = new DemoRunner(config with { OutputDirectory = Path.Combine(TempDir.Create("demo-fresh"), "demo") }).Run();
        Assert.Equal(fresh.Select(r => r.Trajectory.Select(p => (p.Step, p.DomainTest, p.General))), runs.Select(r => r.Trajectory.Select(p => (p.Step, p.DomainTest, p.General))));
        // and a demo with other settings is refused there unless asked to overwrite
        var e = Assert.Throws<MftException>(() => new DemoRunner(config with { Sweep = DemoPreset.With(config.Sweep, [KeyValuePair.Create("steps", "5")]) }).Run());
        Assert.Contains("another config", e.Message);
    }

    [Fact]
    public void Should_train_runs_at_once_to_the_numbers_of_one_at_a_time()
    {
        // Given two domains and two taus: each domain's taus share one teacher cache, which only one worker computes
        var data = TinyCorpus.DataFolder();
        var dogs = Path.Combine(data, "domains", "dogs");
        Directory.CreateDirectory(dogs);
        foreach (var f in new[] { "train.txt", "test.txt" })
            File.WriteAllLines(Path.Combine(dogs, f), File.ReadAllLines(Path.Combine(data, "domains", "cats", f)).Select(l => l.Replace("cat", "dog")));
        DemoConfig Config(int workers) => Tiny(data, Path.Combine(TempDir.Create("demo-workers"), "demo"), ["cats", "dogs"], [0.1, 0.3], steps: 6, workers);
        // When they train one at a time, then two at a time
        var one = new DemoRunner(Config(1)).Run();
        var two = new DemoRunner(Config(2)).Run();
        // Then the runs come domain by domain, with the same numbers
        string[] order = ["cats ft", "cats mft-tau0.1", "cats mft-tau0.3", "dogs ft", "dogs mft-tau0.1", "dogs mft-tau0.3"];
        Assert.Equal(order, one.Select(r => $"{r.Domain} {r.Method}"));
        Assert.Equal(order, two.Select(r => $"{r.Domain} {r.Method}"));
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].Trajectory.Select(p => (p.Step, p.DomainTest, p.General)), two[i].Trajectory.Select(p => (p.Step, p.DomainTest, p.General)));
            Assert.Equal(one[i].Final.Report.DomainBase, two[i].Final.Report.DomainBase);
        }
        Assert.NotEqual(one[0].Final.Report.Domain, one[3].Final.Report.Domain);   // the domains differ: a mix-up would show
    }

    [Fact]
    public void Should_set_every_runs_precision_from_the_demos_option_and_name_it_when_invalid()
    {
        var bf16 = DemoPreset.With(DemoPreset.Load(), [KeyValuePair.Create("precision", "bf16")]);
        Assert.Equal(Mft.Runtime.Precision.Bf16, bf16.Shared.Trainer.Precision);
        Assert.All(bf16.Methods, m => Assert.Equal(Mft.Runtime.Precision.Bf16, bf16.Template(m).Trainer.Precision));
        Assert.Equal(Mft.Runtime.Precision.Fp32, DemoPreset.Load().Shared.Trainer.Precision);
        var e = Assert.Throws<OptionException>(() => DemoPreset.With(DemoPreset.Load(), [KeyValuePair.Create("precision", "fp16")]));
        Assert.Equal("precision", e.Key);
    }
}
