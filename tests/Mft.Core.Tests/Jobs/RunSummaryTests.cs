using Mft.Adapters;
using Mft.Evaluation;
using Mft.Jobs;
using Mft.Training;

namespace Mft.Tests.Jobs;

public sealed class RunSummaryTests
{
    /// <summary>report.json of a LoRA MFT run with a top-k cache, as RunReport wrote it before the record (byte for byte).</summary>
    private const string Written = """
        {
          "method": "mft",
          "tau": 0.2,
          "steps": 7,
          "train_samples": 42,
          "replay_samples": 3,
          "adapter": "lora",
          "trainable_parameters": 123456789012,
          "teacher_copy_bytes": 5555,
          "final_step": 7,
          "domain_ppl_base": 12.345678901234,
          "domain_ppl": 9.87654321,
          "general_ppl_base": 30.1,
          "general_ppl": 31.123456789,
          "specialization": 0.19999999278996322,
          "degeneralization": 0.03400188667774077,
          "ratio": 5.882026332406213,
          "ratio_text": "5.88",
          "elapsed_seconds": 12.3456789,
          "teacher_cache_fidelity": {
            "step": 2,
            "first_step_loss_cached": "NaN",
            "first_step_loss_exact": 1.234567,
            "degeneralization_cached": 0.01,
            "degeneralization_exact": null,
            "preserved": true
          },
          "precision": "fp32"
        }
        """;

    private static (FinetuneJobConfig, FinetuneResult) Result(string dir)
    {
        var config = new FinetuneJobConfig
        {
            ModelDirectory = "m", DataPath = "d.txt", OutputDirectory = dir,
            Trainer = new TrainerConfig { Method = "mft", Tau = 0.2, TeacherCacheTopK = 8 }, Adapter = new AdapterConfig(),
        };
        var point = new EvaluationPoint(7, 10.5, 9.87654321, 31.123456789, new SpecializationReport(12.345678901234, 9.87654321, 30.1, 31.123456789));
        var result = new FinetuneResult(Path.Combine(dir, "model"), point, [point with { Step = 0 }, point], new TrainingState { Step = 7, BestStep = 3 }, 42, 1234,
            TimeSpan.FromSeconds(12.3456789))
        {
            ReplaySamples = 3, TrainableParameters = 123456789012, TeacherCopyBytes = 5555,
            TeacherCacheFidelity = new TeacherCacheFidelity(2, double.NaN, 1.234567, 0.01, null),
        };
        return (config, result);
    }

    [Fact]
    public void Should_write_report_json_with_the_keys_and_values_it_always_had_and_read_it_back()
    {
        // Given a finished job's result
        var dir = TempDir.Create("summary");
        var (config, result) = Result(dir);
        var path = Path.Combine(dir, "report.json");
        // When its summary is written and read
        RunSummary.Of(config, result).Write(path);
        var read = RunSummary.Read(path);
        // Then the file is the one written before the record, and reads back whole
        Assert.Equal(Written.ReplaceLineEndings("\n"), File.ReadAllText(path).ReplaceLineEndings("\n"));
        Assert.Equal(RunSummary.Of(config, result) with { TeacherCacheFidelity = null }, read with { TeacherCacheFidelity = null });
        Assert.Equal(2, read.TeacherCacheFidelity!.Step);
        Assert.True(double.IsNaN(read.TeacherCacheFidelity.CachedFirstLoss));
        Assert.Null(read.TeacherCacheFidelity.ExactDegeneralization);
    }

    [Fact]
    public void Should_write_each_tasks_scores_and_read_them_back_and_leave_the_key_out_without_tasks()
    {
        // Given a finished job's result with task scores (one standard error NaN: a single item)
        var dir = TempDir.Create("summary-tasks");
        var (config, result) = Result(dir);
        var tasks = new[]
        {
            new TaskScores("data/tasks/general.jsonl", new ChoiceTaskResult(200, 0.285, 0.032, 0.32, 0.033), new ChoiceTaskResult(200, 0.27, 0.0314, 0.3, 0.0325)),
            new TaskScores("one.jsonl", new ChoiceTaskResult(1, 1, double.NaN, 0, double.NaN), new ChoiceTaskResult(1, 0, double.NaN, 0, double.NaN)),
        };
        var path = Path.Combine(dir, "report.json");
        // When its summary is written and read
        RunSummary.Of(config, result with { Tasks = tasks }).Write(path);
        var read = RunSummary.Read(path);
        // Then the scores read back whole, under "tasks", after the keys a report always had
        Assert.Equal(tasks[0], read.Tasks![0]);
        Assert.Equal(("one.jsonl", 1, 1.0, 0.0), (read.Tasks[1].Path, read.Tasks[1].Base.Items, read.Tasks[1].Base.Accuracy, read.Tasks[1].Tuned.Accuracy));
        Assert.True(double.IsNaN(read.Tasks[1].Base.AccuracyStderr));
        var json = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.StartsWith(Written.ReplaceLineEndings("\n")[..^2], json);
        Assert.Contains("\"normalized_accuracy_stderr\": 0.033", json);
        // and a run without tasks writes no key, as before (the first test's bytes), and reads null
        RunSummary.Of(config, result).Write(path);
        Assert.DoesNotContain("\"tasks\"", File.ReadAllText(path));
        Assert.Null(RunSummary.Read(path).Tasks);
    }

    [Fact]
    public void Should_read_a_report_written_before_trainable_parameters_and_refuse_one_without_its_sample_count_naming_the_file()
    {
        var dir = TempDir.Create("summary-old");
        var old = Path.Combine(dir, "old.json");
        File.WriteAllText(old, """{ "method": "ft", "tau": null, "steps": 3, "train_samples": 20, "elapsed_seconds": 1.5 }""");
        var read = RunSummary.Read(old);
        Assert.Equal((20, 0L, 1.5, "fp32"), (read.TrainSamples, read.TrainableParameters, read.ElapsedSeconds, read.Precision));
        Assert.Null(read.Tasks);   // reports from before tasks have no "tasks" key

        var broken = Path.Combine(dir, "broken.json");
        File.WriteAllText(broken, """{ "method": "ft", "elapsed_seconds": 1.5 }""");
        var e = Assert.Throws<MftException>(() => RunSummary.Read(broken));
        Assert.Contains(broken, e.Message);
        Assert.Contains("train_samples", e.Message);
    }
}
