using Mft.Demo;

namespace Mft.Tests.Demo;

public sealed class DemoRunnerTests
{
    [Fact]
    public void Should_run_ft_and_mft_per_domain_and_write_report_csv_and_plots()
    {
        // Given a data folder laid out like data/ with one small domain
        var data = TinyCorpus.DataFolder();
        var outDir = Path.Combine(TempDir.Create("demo-out"), "demo");
        var config = new DemoConfig
        {
            ModelDirectory = TinyCorpus.ModelDirectory(), DataDirectory = data, OutputDirectory = outDir, Domains = ["cats"], Taus = [0.2],
            Samples = 40, Steps = 0, Epochs = 2, Evaluations = 2, ContextLength = 32, BatchSize = 4, LearningRate = 3e-3,
        };
        // When
        var runs = new DemoRunner(config).Run();
        // Then
        Assert.Equal(new[] { "ft", "mft tau=0.2" }, runs.Select(r => r.Label));
        Assert.Equal(runs[0].Steps, runs[1].Steps);
        Assert.Equal(runs[0].Final.Report.DomainBase, runs[1].Final.Report.DomainBase);
        foreach (var f in new[] { "report.md", "results.csv", "sd-cats.png", "sd-cats.svg" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        Assert.Contains("## cats", File.ReadAllText(Path.Combine(outDir, "report.md")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length);
    }

    [Fact]
    public void Should_train_runs_at_once_to_the_numbers_of_one_at_a_time()
    {
        // Given two domains and two taus: a second tau waits for the first's teacher cache, every mft run for its domain's ft
        var data = TinyCorpus.DataFolder();
        var dogs = Path.Combine(data, "domains", "dogs");
        Directory.CreateDirectory(dogs);
        foreach (var f in new[] { "train.txt", "test.txt" })
            File.WriteAllLines(Path.Combine(dogs, f), File.ReadAllLines(Path.Combine(data, "domains", "cats", f)).Select(l => l.Replace("cat", "dog")));
        DemoConfig Config(int workers) => new()
        {
            ModelDirectory = TinyCorpus.ModelDirectory(), DataDirectory = data, OutputDirectory = Path.Combine(TempDir.Create("demo-workers"), "demo"),
            Domains = ["cats", "dogs"], Taus = [0.1, 0.3], Samples = 40, Steps = 6, Evaluations = 2, ContextLength = 32, BatchSize = 4,
            LearningRate = 3e-3, Threads = 1, Workers = workers,
        };
        // When they train one at a time, then two at a time
        var one = new DemoRunner(Config(1)).Run();
        var two = new DemoRunner(Config(2)).Run();
        // Then the report lists them domain by domain, with the same numbers
        string[] order = ["cats ft", "cats mft tau=0.1", "cats mft tau=0.3", "dogs ft", "dogs mft tau=0.1", "dogs mft tau=0.3"];
        Assert.Equal(order, one.Select(r => $"{r.Domain} {r.Label}"));
        Assert.Equal(order, two.Select(r => $"{r.Domain} {r.Label}"));
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].Trajectory.Select(p => (p.Step, p.DomainTest, p.General)), two[i].Trajectory.Select(p => (p.Step, p.DomainTest, p.General)));
            Assert.Equal(one[i].Final.Report.DomainBase, two[i].Final.Report.DomainBase);
        }
        Assert.NotEqual(one[0].Final.Report.Domain, one[3].Final.Report.Domain);   // the domains differ: a mix-up would show
    }
}
