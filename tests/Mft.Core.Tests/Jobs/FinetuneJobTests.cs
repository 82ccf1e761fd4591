using Mft.Checkpoints;
using Mft.Training;
using Mft.Jobs;
using Mft.Runs;

namespace Mft.Tests.Jobs;

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
        Assert.Equal(15, File.ReadAllLines(new RunLayout(outDir).Metrics).Count(l => l.Contains("\"type\":\"step\"")));
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
        Assert.Equal(File.ReadAllLines(new RunLayout(straight).Metrics).Count(l => l.Contains("\"step\"")),
            File.ReadAllLines(new RunLayout(resumed).Metrics).Count(l => l.Contains("\"step\"")));
    }

    [Fact]
    public void Should_refuse_to_overwrite_an_existing_output_folder()
    {
        var outDir = TempDir.Create("exists");
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "precious");
        var e = Assert.Throws<MftException>(() =>
            new FinetuneJob(Config(TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(), TinyCorpus.GeneralFile(), outDir, "ft", 2)).Run());
        Assert.Contains("pass overwrite", e.Message);   // the option, named by its key (mft prints --overwrite)
        Assert.Equal("precious", File.ReadAllText(Path.Combine(outDir, "keep.txt")));
    }

    [Fact]
    public void Should_train_an_mft_lora_adapter_with_the_base_as_teacher_and_save_it_in_peft_format()
    {
        // Given
        var model = TinyCorpus.ModelDirectory();
        var outDir = Path.Combine(TempDir.Create("job-lora"), "out");
        var config = Config(model, TinyCorpus.DomainFile(), TinyCorpus.GeneralFile(), outDir, "mft", 10) with
        {
            Adapter = new Mft.Adapters.AdapterConfig { Kind = Mft.Adapters.AdapterKind.Lora, Rank = 4, Alpha = 8 },
        };
        // When
        var result = new FinetuneJob(config).Run();
        // Then only the adapter is written, no teacher copy was held, and the adapter merges into a working model
        Assert.Equal(Path.Combine(outDir, "adapter"), result.ModelDirectory);
        Assert.True(File.Exists(Path.Combine(outDir, "adapter", "adapter_model.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "model")));
        Assert.Equal(0, result.TeacherCopyBytes);
        Assert.True(result.Final.Report.Specialization > 0.01, $"domain ppl {result.Final.Report.DomainBase} -> {result.Final.Report.Domain}");
        var merged = Path.Combine(TempDir.Create("job-lora-merged"), "merged");
        Mft.Adapters.AdapterMerge.Run(model, result.ModelDirectory, merged, overwrite: false);
        Assert.True(File.Exists(Path.Combine(merged, "model.safetensors")));
    }

    [Fact]
    public void Should_keep_only_steps_within_the_degeneralization_budget()
    {
        var model = TinyCorpus.ModelDirectory();
        var data = TinyCorpus.DomainFile();
        // General text that shares nothing with the domain text, so that domain training raises its perplexity
        var general = Path.Combine(TempDir.Create("digits"), "digits.txt");
        File.WriteAllText(general, string.Join("\n\n", Enumerable.Range(0, 12).Select(i => $"{i * 7919 % 1000} {i * 104729 % 977} 55 {i}")));
        FinetuneJobConfig Budgeted(string name, double max, double lr) => Config(model, data, general, Path.Combine(TempDir.Create(name), "out"), "ft", 15) with
        {
            Trainer = Config(model, data, general, "x", "ft", 15).Trainer with { KeepBest = true, MaxDegeneralization = max, LearningRate = lr },
        };
        // A budget nothing meets (a learning rate that wrecks the model) returns the base weights
        var none = new FinetuneJob(Budgeted("budget-none", 0.01, 0.3)).Run();
        Assert.True(none.Trajectory.Where(p => p.Step > 0).All(p => p.Report.Degeneralization > 0.01), "the test needs every step to degeneralize");
        Assert.Equal(0, none.Final.Step);
        using (var tuned = new SafetensorsReader(Path.Combine(none.ModelDirectory, "model.safetensors")))
        using (var original = new SafetensorsReader(Path.Combine(model, "model.safetensors")))
            foreach (var name in original.Tensors.Keys)
                Assert.True(tuned.Load(name).bytes.SequenceEqual(original.Load(name).bytes), $"{name} differs from the base");
        // A generous budget keeps the best evaluated step, and that step respects it
        var loose = new FinetuneJob(Budgeted("budget-loose", 0.5, 1e-2)).Run();
        Assert.True(loose.Final.Step > 0);
        Assert.True(loose.Final.Report.Degeneralization <= 0.5);
        Assert.Equal(loose.Trajectory.Where(p => p.Step > 0 && p.Report.Degeneralization <= 0.5).Min(p => p.DomainValidation), loose.Final.DomainValidation);
    }

    [Fact]
    public void Should_judge_the_degeneralization_budget_on_the_general_validation_set_when_there_is_one()
    {
        var model = TinyCorpus.ModelDirectory();
        var data = TinyCorpus.DomainFile();
        var general = Path.Combine(TempDir.Create("digits-val"), "digits.txt");
        File.WriteAllText(general, string.Join("\n\n", Enumerable.Range(0, 16).Select(i => $"{i * 7919 % 1000} {i * 104729 % 977} 55 {i}")));
        FinetuneJobConfig Held(string name, double max) => Config(model, data, general, Path.Combine(TempDir.Create(name), "out"), "ft", 15) with
        {
            DomainTestPath = data, DomainTestMaxSamples = 4, DomainValidationSamples = 4, GeneralMaxSamples = 6, GeneralValidationSamples = 6,
            Trainer = Config(model, data, general, "x", "ft", 15).Trainer with { MaxDegeneralization = max, LearningRate = 1e-2 },
        };
        // A budget nothing can exceed gives the trajectory; the step with the lowest domain validation perplexity is
        // then given a budget between its validation D and its test D, so that exactly one of the two admits it.
        var free = new FinetuneJob(Held("budget-free", 1e9)).Run();
        var best = free.Trajectory.Where(p => p.Step > 0).MinBy(p => p.DomainValidation)!;
        double validationD = best.Validation!.Degeneralization!.Value, testD = best.Report.Degeneralization!.Value;
        Assert.True(Math.Abs(validationD - testD) > 1e-6, "the test needs validation and test D to differ at the best step");
        var run = new FinetuneJob(Held("budget-between", (validationD + testD) / 2)).Run();
        // The rule on validation D: the lowest domain validation perplexity among steps within the budget on validation.
        double max = (validationD + testD) / 2;
        var expected = run.Trajectory.Where(p => p.Step > 0 && p.Validation!.Degeneralization <= max).MinBy(p => p.DomainValidation)?.Step ?? 0;
        Assert.Equal(expected, run.Final.Step);
        Assert.Equal(validationD < testD, run.Final.Step == best.Step);
    }
}
