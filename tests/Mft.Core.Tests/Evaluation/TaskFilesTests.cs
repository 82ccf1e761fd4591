using Mft.Data;
using Mft.Evaluation;
using Mft.Jobs;
using Mft.Sweep;
using Mft.Tests.Packaging;

namespace Mft.Tests.Evaluation;

/// <summary>
/// The committed task files (data/tasks/): <c>mft tasks build</c>'s defaults rebuild them byte for byte, and no item
/// comes from a sample that a committed sweep trains on or validates with.
/// </summary>
public sealed class TaskFilesTests
{
    private static readonly string[] Tasks = ["general", "bible", "devil", "jargon"];

    private static string Committed(string task) => Path.Combine(Repository.Root, "data", "tasks", task + ".jsonl");

    [Fact]
    public void Should_rebuild_the_committed_task_files_byte_for_byte()
    {
        var dir = TempDir.Create("tasks-build");
        var written = ContinuationTasks.Build(new TaskBuildConfig { CorporaDirectory = Path.Combine(Repository.Root, "data"), OutputDirectory = dir });
        Assert.Equal(Tasks.Order(), written.Select(w => w.Name).Order());
        foreach (var task in Tasks)
            Assert.True(File.ReadAllBytes(Committed(task)).SequenceEqual(File.ReadAllBytes(Path.Combine(dir, task + ".jsonl"))), $"{task}.jsonl differs from a rebuild");
    }

    [Fact]
    public void Should_take_no_item_from_a_sample_any_committed_sweep_trains_or_validates_on()
    {
        // Given every sample the committed sweeps' runs train, validate or replay on
        var used = SweepSamples();
        // When each choice is traced to the held-out documents it can come from (those whose last sentence it is)
        foreach (var task in Tasks)
        {
            var heldOut = task == "general" ? CorpusLayout.GeneralTest(Path.Combine(Repository.Root, "data")) : CorpusLayout.DomainTest(Path.Combine(Repository.Root, "data"), task);
            var byEnding = SampleReader.Read(heldOut).Select(d => Flat(d.Text)).ToLookup(d => ContinuationTaskBuilder.Split(d)?.Ending);
            foreach (var item in ChoiceTaskFile.Read(Committed(task)))
            {
                // Then the item's own document (passage and real ending) is no sample a sweep uses
                Assert.DoesNotContain(item.Context + item.Choices[item.Gold], used);
                // and every choice comes from some held-out document that no sweep uses
                foreach (var choice in item.Choices)
                {
                    var sources = byEnding[choice[1..]].ToList();
                    Assert.True(sources.Count > 0, $"{item.Source}: \"{choice}\" is no held-out document's last sentence");
                    Assert.True(sources.Any(d => !used.Contains(d)), $"{item.Source}: \"{choice}\" comes from a sample a sweep uses");
                }
            }
        }
    }

    /// <summary>Every training, validation and replay sample of every run of the committed sweeps, whitespace flattened.</summary>
    private static HashSet<string> SweepSamples()
    {
        var used = new HashSet<string>();
        var seen = new HashSet<string>();
        int validation = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "sweeps"), "*.yaml"))
        {
            var config = SweepFile.Parse(File.ReadAllText(file), file) with { Data = Path.Combine(Repository.Root, "data") };
            foreach (var (_, job) in new SweepRunner(config, "OUT", overwrite: false, threads: 1).ResolvedJobs())
            {
                if (!seen.Add($"{job.DataPath}|{job.DomainTestPath}|{job.Trainer.Seed}|{job.DomainTestMaxSamples}|{job.DomainValidationSamples}|{job.GeneralMaxSamples}|{job.GeneralValidationSamples}|{job.ReplayFraction}|{job.MaxSamples}"))
                    continue;
                var data = FinetuneData.Read(job);
                foreach (var s in data.Split.Train.Concat(data.Split.Validation).Concat(data.GeneralValidation).Concat(data.Replay)) used.Add(Flat(s.Text));
                validation += data.Split.Validation.Count + data.GeneralValidation.Count;
            }
        }
        Assert.True(validation > 0, "no sweep has validation samples: the check would be vacuous");
        return used;
    }

    [Fact]
    public void Should_take_items_from_validation_samples_when_told_to_leave_none_out()
    {
        // Given the tasks built without leaving validation samples out (guards the check above against passing vacuously)
        var dir = TempDir.Create("tasks-unguarded");
        ContinuationTasks.Build(new TaskBuildConfig { CorporaDirectory = Path.Combine(Repository.Root, "data"), OutputDirectory = dir, ValidationSamples = 0 });
        var used = SweepSamples();
        // Then some item's document is a sample a sweep validates on
        Assert.Contains(Tasks.SelectMany(t => ChoiceTaskFile.Read(Path.Combine(dir, t + ".jsonl"))), item => used.Contains(item.Context + item.Choices[item.Gold]));
    }

    private static string Flat(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
