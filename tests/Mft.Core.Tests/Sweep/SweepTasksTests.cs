using Mft.Sweep;

namespace Mft.Tests.Sweep;

/// <summary>A sweep's <c>tasks</c> (under train:): placeholders, checks, the shared base scores and the report's columns.</summary>
public sealed class SweepTasksTests
{
    private const string Tasks = "tasks: [\"{data}/tasks/general.jsonl\", \"{data}/tasks/{domain}.jsonl\"]";

    [Fact]
    public void Should_give_every_job_the_task_files_with_the_data_folder_and_its_domain_in_place_of_the_placeholders()
    {
        // Given a sweep whose tasks name the data folder and the domain by placeholder
        var data = TinyCorpus.DataFolder();
        var config = SweepFile.Parse(TinySweep.Yaml("{ft: {method: ft}, mft: {method: mft, tau: 0.2}}", budgets: "[20]", seeds: "[0, 1]", train: Tasks, data: data), "tiny.yaml");
        config.Validate("tiny.yaml");
        // When its jobs are resolved
        var jobs = new SweepRunner(config, "OUT", overwrite: false).ResolvedJobs();
        // Then every teacher pass, base measurement and run has the domain's files
        Assert.Equal(2 + 4, jobs.Count);   // a base measurement per seed, a run per method and seed (the teacher is online)
        Assert.All(jobs, j => Assert.Equal([Path.Combine(data, "tasks", "general.jsonl"), Path.Combine(data, "tasks", "cats.jsonl")], j.Job.TaskPaths));
        Assert.All(jobs, j => Assert.Null(j.Job.BaseTaskScores));
    }

    [Fact]
    public void Should_refuse_a_bad_task_file_of_a_domain_naming_the_sweep_and_file_and_line_and_tasks_in_a_method()
    {
        // Given a data folder whose domain task has a bad second line
        var data = TinyCorpus.DataFolder();
        var bad = Path.Combine(data, "tasks", "cats.jsonl");
        File.WriteAllText(bad, "{\"context\": \"a\", \"choices\": [\" b\", \" c\"], \"gold\": 0}\n{\"context\": \"a\", \"choices\": [\" b\"], \"gold\": 0}\n");
        var config = SweepFile.Parse(TinySweep.Yaml("{ft: {method: ft}}", train: Tasks, data: data), "tiny.yaml");
        // When it is checked, Then the error names the sweep, the key, the file and the line
        var e = Assert.Throws<MftException>(() => config.Validate("tiny.yaml"));
        Assert.Equal($"tiny.yaml: train: tasks: {bad}:2: needs at least 2 choices, got 1", e.Message);
        // and tasks, a measurement, is refused in a method
        var inMethod = SweepFile.Parse(TinySweep.Yaml("{ft: {method: ft, tasks: [a.jsonl]}}", data: TinyCorpus.DataFolder()), "tiny.yaml");
        e = Assert.Throws<MftException>(() => inMethod.Validate("tiny.yaml"));
        Assert.Equal("tiny.yaml: method ft: tasks decides what is measured and when: set it in train: for all methods alike", e.Message);
    }

    [Fact]
    public void Should_score_the_tasks_on_one_shared_base_measurement_per_domain_and_report_the_first_tasks_change()
    {
        // Given a sweep of two methods and two seeds with a general and a domain task
        var config = SweepFile.Parse(TinySweep.Yaml("{ft: {method: ft}, mft: {method: mft, tau: 0.2}}", budgets: "[20]", seeds: "[0, 1]", train: Tasks), "tiny.yaml");
        var outDir = Path.Combine(TempDir.Create("sweep-tasks"), "sweep");
        // When it runs
        var runs = new SweepRunner(config, outDir, overwrite: false).Run();
        // Then every run scored both tasks, on the same base scores, kept in base/DOMAIN/tasks.json
        Assert.All(runs, r => Assert.Equal(["general.jsonl", "cats.jsonl"], r.Tasks.Select(t => Path.GetFileName(t.Path))));
        Assert.Single(runs.Select(r => r.Tasks[1].Base).Distinct());
        var kept = Mft.Evaluation.BaseTaskScores.Read(new SweepLayout(outDir).BaseTaskScores("cats"));
        Assert.Equal(runs[0].Tasks.Select(t => t.Base), kept.Results);
        // and results.csv, summary.csv and report.md show the first task's acc and acc_norm, base and tuned, and the change
        var results = File.ReadAllLines(Path.Combine(outDir, "results.csv"));
        Assert.EndsWith(SweepReport.TaskColumns, results[0]);
        var ft0 = runs.First(r => r.Method == "ft" && r.Seed == 0).Tasks[0];
        Assert.EndsWith(SweepReport.TaskCells(new MeanTaskScores("general.jsonl", 5, ft0.Base.Accuracy, ft0.Tuned.Accuracy, ft0.Base.NormalizedAccuracy, ft0.Tuned.NormalizedAccuracy)),
            results.Single(l => l.StartsWith("cats,20,False,0,ft,", StringComparison.Ordinal)));
        Assert.EndsWith(SweepReport.TaskColumns, File.ReadAllLines(Path.Combine(outDir, "summary.csv"))[0]);
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| S/D | general.jsonl acc % | Δ acc | acc_norm % | Δ acc_norm |", report);
        var ft = MeanTaskScores.Of([.. runs.Where(r => r.Method == "ft")])!;
        string P(double x) => (100 * x).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        string Signed(double x) => (100 * x).ToString("+0.0;-0.0;0.0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($" {P(ft.Accuracy)} | {Signed(ft.AccuracyChange)} | {P(ft.NormalizedAccuracy)} | {Signed(ft.NormalizedAccuracyChange)} |", report);
    }

    [Fact]
    public void Should_write_the_same_tables_as_before_when_the_sweep_scores_no_tasks()
    {
        // Given runs without tasks
        var config = TinySweep.Config("{ft: {method: ft}}", budgets: "[20]", seeds: "[0]");
        var outDir = Path.Combine(TempDir.Create("sweep-no-tasks"), "sweep");
        // When the sweep runs
        new SweepRunner(config, outDir, overwrite: false).Run();
        // Then no task column appears
        Assert.Equal("domain,budget,epoch_matched,seed,method,train_samples,trainable_parameters,steps,domain_ppl_base,domain_ppl,general_ppl_base,general_ppl,specialization,degeneralization,ratio,seconds",
            File.ReadAllLines(Path.Combine(outDir, "results.csv"))[0]);
        Assert.DoesNotContain("acc_norm", File.ReadAllText(Path.Combine(outDir, "report.md")));
    }
}
