using Mft.Data;

namespace Mft.Evaluation;

/// <summary>
/// The task files of a corpora folder (<c>mft tasks build</c>): one continuation task (<see cref="ContinuationTaskBuilder"/>)
/// from general/test.txt (its Brown corpus part, <see cref="TaskBuildConfig.GeneralDocuments"/>) and one from each
/// domain's test.txt, written as general.jsonl and NAME.jsonl. Training never reads these files; the validation samples
/// that runs with the given seeds take from them are left out, so no item comes from a document any run trains on or
/// chooses a setting by.
/// </summary>
public static class ContinuationTasks
{
    /// <summary>Writes the task files and returns each task's name, path and item count.</summary>
    public static IReadOnlyList<(string Name, string Path, int Items)> Build(TaskBuildConfig config)
    {
        config.Validate();
        var root = config.CorporaDirectory;
        var domainsDir = Path.Combine(root, "domains");
        var domains = Directory.Exists(domainsDir) ? Directory.GetDirectories(domainsDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList() : [];
        var sources = new List<(string Name, string File, int TestSamples, int Documents)>
            { ("general", CorpusLayout.GeneralTest(root), config.GeneralTestSamples, config.GeneralDocuments) };
        sources.AddRange(domains.Select(d => (d, CorpusLayout.DomainTest(root, d), config.DomainTestSamples, 0)));
        Directory.CreateDirectory(config.OutputDirectory);
        var written = new List<(string, string, int)>();
        foreach (var (name, file, testSamples, first) in sources)
        {
            var documents = SampleReader.Read(file);
            var validation = ValidationSamples(documents, testSamples, config, file);
            var eligible = documents.Take(first > 0 ? first : documents.Count).Where(d => !validation.Contains(d)).ToList();
            var items = ContinuationTaskBuilder.Build(eligible, config.Items, config.Seed);
            var path = Path.Combine(config.OutputDirectory, name + ".jsonl");
            ChoiceTaskFile.Write(path, items);
            written.Add((name, path, items.Count));
        }
        return written;
    }

    /// <summary>
    /// Every validation sample a run with seed 0 to N-1 takes from the held-out file; none from a file too small for the
    /// test and validation samples (a run refuses it).
    /// </summary>
    public static HashSet<TextSample> ValidationSamples(IReadOnlyList<TextSample> documents, int testSamples, TaskBuildConfig config, string file)
    {
        var left = new HashSet<TextSample>();
        if (config.ValidationSamples == 0 || documents.Count < testSamples + config.ValidationSamples) return left;
        for (int seed = 0; seed < config.ValidationSeeds; seed++)
            left.UnionWith(HeldOutSamples.Split(documents, testSamples, config.ValidationSamples, seed, file).Validation);
        return left;
    }
}
