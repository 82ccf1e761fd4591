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
}
