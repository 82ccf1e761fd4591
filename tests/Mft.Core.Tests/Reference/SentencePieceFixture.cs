using System.Text;
using System.Text.Json.Nodes;

namespace Mft.Tests.Reference;

/// <summary>
/// One small Llama-2-style SentencePiece BPE tokenizer (▁ for spaces, byte fallback), written twice: as a
/// SentencePiece <c>tokenizer.model</c> protobuf (read by Mft's own SentencePiece) and as the equivalent
/// Hugging Face <c>tokenizer.json</c> (read by Hugging Face's tokenizers), so the two libraries can be checked
/// against each other. The merges are learned here from a few sentences by plain BPE counting.
/// </summary>
public static class SentencePieceFixture
{
    private const string Corpus = "the cat sat on the mat. the dog ran to the tree and the bird sang. " +
                                  "hello world, this is a test of the tokenizer with some text to learn from.";

    public static (List<string> Pieces, List<(string, string)> Merges) Learn(int merges = 60)
    {
        var words = Corpus.Split(' ').Select(w => ("▁" + w).Select(c => c.ToString()).ToList()).ToList();
        var alphabet = words.SelectMany(w => w).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
        var learned = new List<(string, string)>();
        for (int m = 0; m < merges; m++)
        {
            var counts = new Dictionary<(string, string), int>();
            foreach (var w in words)
                for (int i = 0; i + 1 < w.Count; i++) counts[(w[i], w[i + 1])] = counts.GetValueOrDefault((w[i], w[i + 1])) + 1;
            if (counts.Count == 0) break;
            var best = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Item1 + " " + kv.Key.Item2, StringComparer.Ordinal).First().Key;
            learned.Add(best);
            foreach (var w in words)
                for (int i = 0; i + 1 < w.Count; i++)
                    if (w[i] == best.Item1 && w[i + 1] == best.Item2) { w[i] += w[i + 1]; w.RemoveAt(i + 1); }
        }
        var pieces = new List<string>();
        foreach (var (a, b) in learned) if (!pieces.Contains(a + b)) pieces.Add(a + b);
        pieces.AddRange(alphabet.Where(c => !pieces.Contains(c)));
        return (pieces, learned);
    }

    /// <summary>Ids: 0 &lt;unk&gt;, 1 &lt;s&gt;, 2 &lt;/s&gt;, 3..258 bytes, then pieces (merged first, by score).</summary>
    public static void Write(string directory)
    {
        var (pieces, merges) = Learn();
        var all = new List<(string Piece, float Score, int Type)> { ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3) };
        for (int b = 0; b < 256; b++) all.Add(($"<0x{b:X2}>", 0, 6));
        for (int i = 0; i < pieces.Count; i++) all.Add((pieces[i], -i, 1));
        File.WriteAllBytes(Path.Combine(directory, "tokenizer.model"), ModelProto(all));

        var vocab = new JsonObject();
        for (int i = 0; i < all.Count; i++) vocab[all[i].Piece] = i;
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = 0, ["content"] = "<unk>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true },
                new JsonObject { ["id"] = 1, ["content"] = "<s>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true },
                new JsonObject { ["id"] = 2, ["content"] = "</s>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true }),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Prepend", ["prepend"] = "▁" },
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "▁" }),
            },
            ["pre_tokenizer"] = null,
            ["post_processor"] = null,
            ["decoder"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "▁" }, ["content"] = " " },
                    new JsonObject { ["type"] = "ByteFallback" },
                    new JsonObject { ["type"] = "Fuse" },
                    new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = "<unk>", ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
                ["fuse_unk"] = true, ["byte_fallback"] = true, ["ignore_merges"] = false, ["vocab"] = vocab,
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create($"{m.Item1} {m.Item2}")!).ToArray()),
            },
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), json.ToJsonString());
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """{"add_bos_token": true, "bos_token": "<s>", "eos_token": "</s>"}""");
    }

    private static byte[] ModelProto(List<(string Piece, float Score, int Type)> pieces)
    {
        var model = new MemoryStream();
        foreach (var (piece, score, type) in pieces)
        {
            var p = new MemoryStream();
            Bytes(p, 1, Encoding.UTF8.GetBytes(piece));
            Fixed32(p, 2, score);
            Varint(p, 3, (ulong)type);
            Bytes(model, 1, p.ToArray());
        }
        var trainer = new MemoryStream();
        Varint(trainer, 3, 2);        // model_type = BPE
        Varint(trainer, 35, 1);       // byte_fallback
        Varint(trainer, 40, 0);       // unk_id
        Varint(trainer, 41, 1);       // bos_id
        Varint(trainer, 42, 2);       // eos_id
        Varint(trainer, 43, unchecked((ulong)-1L)); // pad_id = -1
        Bytes(model, 2, trainer.ToArray());
        var normalizer = new MemoryStream();
        Bytes(normalizer, 1, Encoding.UTF8.GetBytes("identity"));
        Varint(normalizer, 3, 1);     // add_dummy_prefix
        Varint(normalizer, 4, 0);     // remove_extra_whitespaces
        Varint(normalizer, 5, 1);     // escape_whitespaces
        Bytes(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    private static void Key(Stream s, int field, int wire) => Raw(s, (ulong)((field << 3) | wire));
    private static void Raw(Stream s, ulong v) { while (v >= 0x80) { s.WriteByte((byte)(v | 0x80)); v >>= 7; } s.WriteByte((byte)v); }
    private static void Varint(Stream s, int field, ulong v) { Key(s, field, 0); Raw(s, v); }
    private static void Bytes(Stream s, int field, byte[] b) { Key(s, field, 2); Raw(s, (ulong)b.Length); s.Write(b); }
    private static void Fixed32(Stream s, int field, float f) { Key(s, field, 5); s.Write(BitConverter.GetBytes(f)); }
}
