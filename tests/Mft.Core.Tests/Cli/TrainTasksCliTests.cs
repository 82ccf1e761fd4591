using System.Text.Json.Nodes;
using Mft.Tests.Packaging;

namespace Mft.Tests.Cli;

/// <summary><c>mft train --tasks</c> as a user runs it: a fresh <c>mft</c> process of the built CLI.</summary>
public sealed class TrainTasksCliTests
{
    private static ExternalProcess.Result Mft(params string[] args) =>
        ExternalProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "mft.dll"), .. args], Repository.Root, TimeSpan.FromMinutes(2));

    [Fact]
    public void Should_print_and_report_the_base_and_tuned_scores_of_each_task_file()
    {
        // Given a tiny model, its data and two task files
        var root = TempDir.Create("cli-train-tasks");
        var (a, b) = (TinyCorpus.TaskFile(Path.Combine(root, "a.jsonl")), TinyCorpus.TaskFile(Path.Combine(root, "b.jsonl")));
        var outDir = Path.Combine(root, "out");
        // When mft train runs with --tasks
        var r = Mft("train", "--model", TinyCorpus.ModelDirectory(), "--data", TinyCorpus.DomainFile(), "--general", TinyCorpus.GeneralFile(), "--method", "ft",
            "--max-steps", "2", "--context", "32", "--batch-size", "4", "--threads", "1", "--tasks", $"{a},{b}", "--out", outDir);
        // Then it exits 0, prints a base and a tuned row per file, and report.json holds both files' scores
        Assert.True(r.ExitCode == 0, r.Describe());
        foreach (var file in new[] { "a.jsonl", "b.jsonl" })
            Assert.Equal(2, r.Output.Split('\n').Count(l => l.Contains(file) && l.Contains("│ 5 ")));
        var tasks = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")))!["tasks"]!.AsArray();
        Assert.Equal([a, b], tasks.Select(t => t!["path"]!.GetValue<string>()));
        Assert.All(tasks, t => Assert.Equal(5, t!["tuned"]!["items"]!.GetValue<int>()));
        Assert.Contains($"tasks: '{a},{b}'", File.ReadAllText(Path.Combine(outDir, "run_config.yaml")));   // the run replays with its tasks
    }

    [Fact]
    public void Should_refuse_a_bad_task_file_in_one_line_naming_file_and_line_before_writing_anything()
    {
        var root = TempDir.Create("cli-train-bad-tasks");
        var bad = Path.Combine(root, "bad.jsonl");
        File.WriteAllText(bad, "{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 0}\nnot json\n");
        var outDir = Path.Combine(root, "out");
        var r = Mft("train", "--model", TinyCorpus.ModelDirectory(), "--data", TinyCorpus.DomainFile(), "--max-steps", "2", "--context", "32", "--tasks", bad, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"error: {bad}:2: not valid JSON (", r.Error.Trim());
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(outDir));
    }
}
