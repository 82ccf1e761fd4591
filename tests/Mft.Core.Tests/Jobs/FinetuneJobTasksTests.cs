using System.Text.Json.Nodes;
using Mft.Evaluation;
using Mft.Jobs;
using Mft.Models;
using Mft.Runs;
using Mft.Training;

namespace Mft.Tests.Jobs;

/// <summary><see cref="FinetuneJobConfig.TaskPaths"/>: a job scores its task files on the base model and on the weights it returns.</summary>
public sealed class FinetuneJobTasksTests
{
    private const int Context = 32, Batch = 3;

    private static FinetuneJobConfig Config(string outDir, IReadOnlyList<string> tasks, TrainerConfig? trainer = null) => new()
    {
        ModelDirectory = TinyCorpus.ModelDirectory(), DataPath = TinyCorpus.DomainFile(), GeneralPath = TinyCorpus.GeneralFile(), OutputDirectory = outDir,
        EvalBatchSize = Batch, TaskPaths = tasks,
        Trainer = trainer ?? new TrainerConfig { Method = "ft", MaxSteps = 6, LearningRate = 1e-2, WarmupSteps = 1, BatchSize = 4, ContextLength = Context, EvalEvery = 3, Seed = 5 },
    };

    private static string TaskFile(string dir, string name = "t.jsonl") => TinyCorpus.TaskFile(Path.Combine(dir, name));

    /// <summary>The scores of a model directory, loaded afresh: the reference the job's figures are held to.</summary>
    private static ChoiceTaskResult Fresh(string modelDir, string task)
    {
        using var m = PretrainedModel.Open(modelDir);
        return ChoiceTask.Evaluate(m.Model, m.Tokenizer, ChoiceTaskFile.Read(task), Context, Batch);
    }

    [Fact]
    public void Should_score_the_base_model_and_the_saved_weights_as_a_fresh_evaluation_of_each_does_and_report_them()
    {
        // Given a job with two task files
        var root = TempDir.Create("job-tasks");
        var (a, b) = (TaskFile(root, "a.jsonl"), TaskFile(root, "b.jsonl"));
        var outDir = Path.Combine(root, "out");
        var config = Config(outDir, [a, b]);
        // When it trains
        var result = new FinetuneJob(config).Run();
        // Then each task's base scores are those of the base model loaded afresh, and its tuned scores those of the saved model
        Assert.Equal([a, b], result.Tasks.Select(t => t.Path));
        foreach (var t in result.Tasks)
        {
            Assert.Equal(5, t.Base.Items);
            Assert.Equal(Fresh(config.ModelDirectory, t.Path), t.Base);
            Assert.Equal(Fresh(result.ModelDirectory, t.Path), t.Tuned);
        }
        // and report.json and report.md carry them
        var summary = RunSummary.Read(new RunLayout(outDir).Report);
        Assert.Equal(result.Tasks, summary.Tasks);
        var md = File.ReadAllText(new RunLayout(outDir).ReportMarkdown);
        Assert.Contains("| task | n | acc base | acc tuned | Δ acc | acc_norm base | acc_norm tuned | Δ acc_norm |", md);
        Assert.Contains("| a.jsonl | 5 |", md);
        Assert.Contains("| b.jsonl | 5 |", md);
    }

    [Fact]
    public void Should_report_the_base_scores_as_the_tuned_ones_when_training_leaves_the_weights_as_they_were()
    {
        // Given self-distillation (kd) from the frozen base, whose loss has a zero gradient while student and teacher
        // agree, and no weight decay: its steps leave the weights where they were
        var root = TempDir.Create("job-tasks-kd");
        var task = TaskFile(root);
        var trainer = new TrainerConfig { Method = "kd", MaxSteps = 3, LearningRate = 1e-2, WarmupSteps = 1, BatchSize = 4, ContextLength = Context, EvalEvery = 3, Seed = 5 };
        // When it trains
        var result = new FinetuneJob(Config(Path.Combine(root, "out"), [task], trainer)).Run();
        // Then it trained, and the tuned scores are the base scores
        Assert.Equal(3, result.Final.Step);
        Assert.Equal(result.Final.Report.DomainBase, result.Final.Report.Domain);
        Assert.Equal(result.Tasks[0].Base, result.Tasks[0].Tuned);
    }

    [Fact]
    public void Should_use_the_base_scores_it_is_given_instead_of_measuring_them()
    {
        // Given base scores measured earlier (here made up, so that their use shows)
        var root = TempDir.Create("job-tasks-given");
        var task = TaskFile(root);
        var given = new BaseTaskScores([task], [new ChoiceTaskResult(5, 0.2, 0.2, 0.4, 0.245)]);
        // When the job is given them
        var result = new FinetuneJob(Config(Path.Combine(root, "out"), [task]) with { BaseTaskScores = given }).Run();
        // Then it reports them as the base's
        Assert.Equal(given.Results[0], result.Tasks[0].Base);
    }

    [Fact]
    public void Should_refuse_a_bad_task_file_naming_file_and_line_before_the_output_folder_is_touched()
    {
        // Given an output folder that does not exist yet, and a task file whose third line has a gold out of range
        var root = TempDir.Create("job-tasks-bad");
        var bad = Path.Combine(root, "bad.jsonl");
        File.WriteAllText(bad, "{\"context\": \"a\", \"choices\": [\" b\", \" c\"], \"gold\": 0}\n\n{\"context\": \"a\", \"choices\": [\" b\", \" c\"], \"gold\": 2}\n");
        var outDir = Path.Combine(root, "out");
        // When the job runs
        var e = Assert.Throws<MftException>(() => new FinetuneJob(Config(outDir, [TaskFile(root), bad])).Run());
        // Then the error names the file and line, and nothing was written
        Assert.Equal($"{bad}:3: gold 2 is out of range for 2 choices (0 to 1)", e.Message);
        Assert.False(Directory.Exists(outDir));
    }
}
