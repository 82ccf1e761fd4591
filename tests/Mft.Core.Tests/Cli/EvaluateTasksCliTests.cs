using Mft.Evaluation;
using Mft.Tests.Packaging;

namespace Mft.Tests.Cli;

/// <summary><c>mft evaluate --tasks</c> as a user runs it: a fresh <c>mft</c> process of the built CLI.</summary>
public sealed class EvaluateTasksCliTests
{
    private static ExternalProcess.Result Mft(params string[] args) =>
        ExternalProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "mft.dll"), .. args], Repository.Root, TimeSpan.FromMinutes(2));

    [Fact]
    public void Should_print_n_acc_and_acc_norm_with_standard_errors_of_both_models_per_task_file()
    {
        // Given a tiny model and two task files
        var model = TinyCorpus.ModelDirectory();
        var dir = TempDir.Create("cli-tasks");
        var (a, b) = (Path.Combine(dir, "a.jsonl"), Path.Combine(dir, "b.jsonl"));
        ChoiceTaskFile.Write(a, [new("the cat sat on", [" the mat.", " a tree."], 0), new("a dog ran to", [" the door.", " the mat."], 1), new("x", [" y", " z", " w"], 2)]);
        ChoiceTaskFile.Write(b, [new("the bird looked at", [" a tree.", " the door."], 0), new("the cat", [" sat.", " ran."], 1)]);
        // When mft evaluate scores them, with no perplexity data
        var r = Mft("evaluate", "--base", model, "--tuned", model, "--tasks", $"{a},{b}", "--context", "32", "--threads", "1");
        // Then it exits 0 and prints a row per file and model with its item count and scores as value ± standard error
        Assert.True(r.ExitCode == 0, r.Describe());
        foreach (var (file, n) in new[] { ("a.jsonl", 3), ("b.jsonl", 2) })
        {
            var rows = r.Output.Split('\n').Where(l => l.Contains(file)).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, row => Assert.Contains($"│ {n} ", row));
            Assert.All(rows, row => Assert.Equal(2, row.Split('±').Length - 1));   // acc and acc_norm
            Assert.Contains("│ base ", rows[0]);
            Assert.Contains("│ tuned ", rows[1]);
        }
        Assert.Contains("acc_norm", r.Output);
    }

    [Fact]
    public void Should_refuse_a_bad_task_file_in_one_line_naming_file_and_line_before_loading_a_model()
    {
        var dir = TempDir.Create("cli-bad-tasks");
        var bad = Path.Combine(dir, "bad.jsonl");
        File.WriteAllText(bad, "{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 0}\n{\"context\": \"c\", \"choices\": [\" a\"], \"gold\": 0}\n");
        var r = Mft("evaluate", "--base", "no/such/model", "--tuned", "no/such/model", "--tasks", bad);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {bad}:2: needs at least 2 choices, got 1", r.Error.Trim());
    }

    [Fact]
    public void Should_ask_for_data_or_tasks_naming_both_flags()
    {
        var r = Mft("evaluate", "--base", "b", "--tuned", "t");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: --data: is required (or give --tasks)", r.Error.Trim());
    }
}
