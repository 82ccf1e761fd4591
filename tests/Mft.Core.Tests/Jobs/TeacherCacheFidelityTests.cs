using System.Text.Json.Nodes;
using Mft.Training;
using Mft.Jobs;
using Mft.Runs;

namespace Mft.Tests.Jobs;

public sealed class TeacherCacheFidelityTests
{
    private static FinetuneJobConfig Job(string model, string data, int topK) => new()
    {
        ModelDirectory = model, DataPath = data, GeneralPath = TinyCorpus.GeneralFile(), OutputDirectory = Path.Combine(TempDir.Create("fidelity"), "run"),
        MaxSamples = 30, Threads = 1,
        Trainer = new TrainerConfig
        {
            Method = "mft", Tau = 0.2, MaxSteps = 4, BatchSize = 4, ContextLength = 32, Seed = 3, TeacherCacheTopK = topK,
            Evaluations = 2,   // steps 2 and 4: the check repeats steps 1-2
        },
    };

    [Fact]
    public void Should_report_the_exact_teachers_first_loss_and_D_beside_the_caches()
    {
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var cachedJob = Job(model, data, topK: 4);
        var cached = new FinetuneJob(cachedJob).Run();
        // The reference: the same run with the online teacher, run on its own
        var exactJob = Job(model, data, topK: 0);
        var exact = new FinetuneJob(exactJob).Run();

        var fidelity = cached.TeacherCacheFidelity!;
        Assert.Equal(2, fidelity.Step);
        Assert.Equal(MetricsLog.StepLoss(exactJob.OutputDirectory, 1), fidelity.ExactFirstLoss);
        Assert.Equal(exact.Trajectory.Single(p => p.Step == 2).Report.Degeneralization, fidelity.ExactDegeneralization);
        Assert.Equal(MetricsLog.StepLoss(cachedJob.OutputDirectory, 1), fidelity.CachedFirstLoss);
        Assert.Equal(cached.Trajectory.Single(p => p.Step == 2).Report.Degeneralization, fidelity.CachedDegeneralization);
        Assert.NotEqual(fidelity.ExactDegeneralization, fidelity.CachedDegeneralization);   // top-4 of 61 tokens is not the teacher
        Assert.Null(exact.TeacherCacheFidelity);

        Assert.Contains("Teacher cache fidelity (top-4 cache", File.ReadAllText(new RunLayout(cachedJob.OutputDirectory).ReportMarkdown));
        var json = JsonNode.Parse(File.ReadAllText(new RunLayout(cachedJob.OutputDirectory).Report))!["teacher_cache_fidelity"]!;
        Assert.Equal(fidelity.ExactDegeneralization, json["degeneralization_exact"]!.GetValue<double>());
        Assert.False(Directory.Exists(new RunLayout(cachedJob.OutputDirectory).TeacherCacheCheck));
    }

    [Theory]
    [InlineData(0.100, 0.080, true)]    // within 1.25x
    [InlineData(0.012, 0.004, true)]    // 3x, but within one point
    [InlineData(0.300, 0.080, false)]
    public void Should_flag_a_cache_whose_D_exceeds_the_exact_teachers(double cachedD, double exactD, bool preserved)
    {
        var fidelity = new TeacherCacheFidelity(4, 2.0, 2.0, cachedD, exactD);
        Assert.Equal(preserved, fidelity.Preserved);
        Assert.Equal(!preserved, fidelity.Markdown(32).Contains("does not preserve MFT"));
    }
}
