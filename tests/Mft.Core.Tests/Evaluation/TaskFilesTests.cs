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
        // Given every distinct data set the committed sweeps' runs read: training, validation and replay samples
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

    private static string Flat(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
