using System.Text.Json;

namespace Mft.Corpora;

/// <summary>npm's nlp-corpus: builds/doc-N.json files, each a JSON array of English sentences.</summary>
public static class NlpCorpus
{
    public static IEnumerable<(int Doc, List<string> Sentences)> Read(string directory)
    {
        var builds = Path.Combine(directory, "builds");
        if (!Directory.Exists(builds)) throw new MftException($"{directory}: no builds/ folder (is this npm's nlp-corpus?)");
        for (int i = 0; File.Exists(Path.Combine(builds, $"doc-{i}.json")); i++)
        {
            var path = Path.Combine(builds, $"doc-{i}.json");
            List<string> sentences;
            try { sentences = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(path)) ?? []; }
            catch (JsonException e) { throw new MftException($"{path}: not a JSON array of strings ({e.Message})"); }
            yield return (i, sentences.Select(s => s.Trim()).Where(s => s.Length > 0).ToList());
        }
    }
}
