using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mft.Tokenization;

/// <summary>
/// Trains a byte-level BPE tokenizer (Sennrich et al. 2016, with GPT-2's byte alphabet and pre-tokenizer):
/// text is split by GPT-2's regex, words start as bytes, and the most frequent adjacent pair is merged until
/// the vocabulary has the requested size (256 bytes + merges + one special token). Ties go to the pair of
/// smaller ids, so the result is deterministic. Pair counts are updated incrementally, only in the words a
/// merge touches.
/// </summary>
public static partial class ByteLevelBpeTrainer
{
    public const string EndOfText = "<|endoftext|>";

    public sealed record Result(List<byte[]> Tokens, List<(int Left, int Right)> Merges)
    {
        public int EndOfTextId => Tokens.Count;
        public JsonObject ToTokenizerJson() => ByteLevelBpeJson.Build(Tokens, Merges, [(EndOfText, EndOfTextId)]);
    }

    public static Result Train(IEnumerable<string> documents, int vocabSize, int minFrequency = 2)
    {
        if (vocabSize < 257) throw new MftException($"vocabulary size must be at least 257 (256 bytes + end of text), got {vocabSize}");
        var wordCounts = new Dictionary<string, long>();
        foreach (var doc in documents)
            foreach (Match m in Gpt2Pattern().Matches(doc))
                wordCounts[m.Value] = wordCounts.GetValueOrDefault(m.Value) + 1;

        var words = wordCounts.Select(kv => (Ids: Encoding.UTF8.GetBytes(kv.Key).Select(b => (int)b).ToList(), Count: kv.Value)).ToList();
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        var merges = new List<(int, int)>();
        var pairCounts = new Dictionary<(int, int), long>();
        var pairWords = new Dictionary<(int, int), HashSet<int>>();
        var queue = new PriorityQueue<(int, int), (long, int, int)>();

        void AddPairs(int w, long sign)
        {
            var ids = words[w].Ids;
            for (int i = 0; i + 1 < ids.Count; i++)
            {
                var pair = (ids[i], ids[i + 1]);
                long c = pairCounts.GetValueOrDefault(pair) + sign * words[w].Count;
                pairCounts[pair] = c;
                if (sign > 0)
                {
                    if (!pairWords.TryGetValue(pair, out var set)) pairWords[pair] = set = new HashSet<int>();
                    set.Add(w);
                }
                if (c > 0) queue.Enqueue(pair, (-c, pair.Item1, pair.Item2));
            }
        }

        for (int w = 0; w < words.Count; w++) AddPairs(w, +1);
        int target = vocabSize - 1;                                    // the last id is <|endoftext|>
        while (tokens.Count < target && queue.TryDequeue(out var best, out var priority))
        {
            long count = pairCounts.GetValueOrDefault(best);
            if (count != -priority.Item1) continue;                    // stale queue entry
            if (count < minFrequency) break;
            int newId = tokens.Count;
            tokens.Add([.. tokens[best.Item1], .. tokens[best.Item2]]);
            merges.Add(best);
            foreach (var w in pairWords[best].ToList())
            {
                AddPairs(w, -1);
                var ids = words[w].Ids;
                for (int i = 0; i + 1 < ids.Count; i++)
                    if (ids[i] == best.Item1 && ids[i + 1] == best.Item2) { ids[i] = newId; ids.RemoveAt(i + 1); }
                AddPairs(w, +1);
            }
            pairCounts.Remove(best);
        }
        return new Result(tokens, merges);
    }

    /// <summary>GPT-2's pre-tokenizer pattern, as Hugging Face's ByteLevel pre-tokenizer uses it.</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Pattern();
}
