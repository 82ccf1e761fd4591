using Mft.Checkpoints;
using Mft.Training;

namespace Mft.Tests.Training;

public sealed class FinetuneJobTests
{
    private static FinetuneJobConfig Config(string model, string data, string general, string outDir, string method, int steps) => new()
    {
        ModelDirectory = model, DataPath = data, GeneralPath = general, OutputDirectory = outDir,
        Trainer = new TrainerConfig
        {
            Method = method, Tau = 0.3, MaxSteps = steps, LearningRate = 3e-3, WarmupSteps = 2, BatchSize = 4,
            ContextLength = 32, EvalEvery = 5, Seed = 3, LossChunkTokens = 40,
        },
    };

    [Theory]
    [InlineData("ft")]
    [InlineData("mft")]
    [InlineData("kd")]
    public void Should_run_end_to_end_and_write_model_report_and_metrics(string method)
    {
        // Given
        var model = TinyCorpus.ModelDirectory();
        var outDir = Path.Combine(TempDir.Create("job"), "out");
        // When
        var result = new FinetuneJob(Config(model, TinyCorpus.DomainFile(), TinyCorpus.GeneralFile(), outDir, method, 15)).Run();
        // Then
        Assert.Equal(15, result.State.Step);
        Assert.Equal(new[] { 0, 5, 10, 15 }, result.Trajectory.Select(p => p.Step));
        Assert.True(File.Exists(Path.Combine(outDir, "model", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(outDir, "model", "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
        Assert.Equal(15, File.ReadAllLines(Path.Combine(outDir, MetricsLog.FileName)).Count(l => l.Contains("\"type\":\"step\"")));
        if (method != "kd")
            Assert.True(result.Final.Report.Specialization > 0.05, $"{method}: domain ppl {result.Final.Report.DomainBase} -> {result.Final.Report.Domain}");
    }

    [Fact]
    public void Should_end_with_the_same_weights_when_stopped_and_resumed()
    {
        // Given the same job run straight through, and run as 7 steps, a stop, then a resume
        var model = TinyCorpus.ModelDirectory();
        var data = TinyCorpus.DomainFile();
        var general = TinyCorpus.GeneralFile();
        var straight = Path.Combine(TempDir.Create("straight"), "out");
        var resumed = Path.Combine(TempDir.Create("resumed"), "out");
        new FinetuneJob(Config(model, data, general, straight, "mft", 12) with { }).Run();

        using var cts = new CancellationTokenSource();
        var job = new FinetuneJob(Config(model, data, general, resumed, "mft", 12));
        job.StepCompleted += (m, _) => { if (m.Step == 7) cts.Cancel(); };
        Assert.Throws<OperationCanceledException>(() => job.Run(cts.Token));
        Assert.NotNull(TrainingCheckpoint.Find(resumed));
        // When
        new FinetuneJob(Config(model, data, general, resumed, "mft", 12) with { Resume = true }).Run();
        // Then
        using var a = new SafetensorsReader(Path.Combine(straight, "model", "model.safetensors"));
        using var b = new SafetensorsReader(Path.Combine(resumed, "model", "model.safetensors"));
        foreach (var name in a.Tensors.Keys)
            Assert.True(a.Load(name).bytes.SequenceEqual(b.Load(name).bytes), $"{name} differs");
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, MetricsLog.FileName)).Count(l => l.Contains("\"step\"")),
            File.ReadAllLines(Path.Combine(resumed, MetricsLog.FileName)).Count(l => l.Contains("\"step\"")));
    }

    [Fact]
    public void Should_refuse_to_overwrite_an_existing_output_folder()
    {
        var outDir = TempDir.Create("exists");
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "precious");
        var e = Assert.Throws<MftException>(() =>
            new FinetuneJob(Config(TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(), TinyCorpus.GeneralFile(), outDir, "ft", 2)).Run());
        Assert.Contains("--overwrite", e.Message);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(outDir, "keep.txt")));
    }
}
