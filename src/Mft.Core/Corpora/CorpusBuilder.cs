using System.Text;

namespace Mft.Corpora;

/// <summary>
/// Builds the embedded corpora in processed form (plain text, documents separated by blank lines):
/// <c>general/train.txt</c> and <c>general/test.txt</c> from the Brown corpus (every 20th file held out) and
/// nlp-corpus sentences (grouped in fives; every 10th document held out), and for each domain
/// (<c>bible</c>, <c>jargon</c>, <c>devil</c>) <c>domains/NAME/train.txt</c> and <c>test.txt</c>, split by a
/// fixed seed (at most 5000 training samples per domain). The output is deterministic: the same sources give byte-identical files.
/// </summary>
public static class CorpusBuilder
{
    public const int DomainTestSamples = 300;
    public const int NlpDocuments = 30;
    /// <summary>Domain training samples kept: enough for data budgets up to 4k samples.</summary>
    public const int MaxDomainTrainSamples = 5000;

    public static IReadOnlyDictionary<string, (int Train, int Test)> Build(CorpusSources sources, string outDir)
    {
        var counts = new Dictionary<string, (int, int)>();
        var genTrain = new List<string>();
        var genTest = new List<string>();
        int fileIndex = 0;
        foreach (var (_, paragraphs) in BrownCorpus.Read(sources.BrownDirectory))
            (fileIndex++ % 20 == 0 ? genTest : genTrain).AddRange(paragraphs);
        foreach (var (doc, sentences) in NlpCorpus.Read(sources.NlpCorpusDirectory).Take(NlpDocuments))
            (doc % 10 == 0 ? genTest : genTrain).AddRange(sentences.Chunk(5).Select(c => string.Join(' ', c)));
        Write(Path.Combine(outDir, "general", "train.txt"), genTrain);
        Write(Path.Combine(outDir, "general", "test.txt"), genTest);
        counts["general"] = (genTrain.Count, genTest.Count);

        var domains = new Dictionary<string, List<string>>
        {
            ["bible"] = KjvBible.ReadVerses(sources.BibleText),
            ["jargon"] = DictdDictionary.ReadEntries(Path.Combine(sources.DictdDirectory, "jargon.index"), Path.Combine(sources.DictdDirectory, "jargon.dict.dz")),
            ["devil"] = DictdDictionary.ReadEntries(Path.Combine(sources.DictdDirectory, "devil.index"), Path.Combine(sources.DictdDirectory, "devil.dict.dz")),
        };
        foreach (var (name, docs) in domains)
        {
            var order = Enumerable.Range(0, docs.Count).ToArray();
            new Random(20250618).Shuffle(order);
            int nTest = Math.Min(DomainTestSamples, docs.Count / 4);
            var test = order.Take(nTest).Order().Select(i => docs[i]).ToList();
            var train = order.Skip(nTest).Take(MaxDomainTrainSamples).Order().Select(i => docs[i]).ToList();
            Write(Path.Combine(outDir, "domains", name, "train.txt"), train);
            Write(Path.Combine(outDir, "domains", name, "test.txt"), test);
            counts[name] = (train.Count, test.Count);
        }
        return counts;
    }

    private static void Write(string path, IEnumerable<string> documents)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = string.Join("\n\n", documents.Select(d => d.Replace("\r", "").Trim())) + "\n";
        Checkpoints.AtomicFile.WriteAllText(path, text);
    }
}
