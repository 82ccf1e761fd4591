using System.Text.Json.Nodes;

namespace Mft.Tokenization;

/// <summary>
/// Writes a byte-level BPE tokenizer (GPT-2's scheme: bytes mapped to printable characters, the GPT-2
/// pre-tokenizer regex, ranked merges) as a Hugging Face <c>tokenizer.json</c>.
/// </summary>
public static class ByteLevelBpeJson
{
    /// <summary>GPT-2's reversible map from the 256 byte values to printable Unicode characters.</summary>
    public static char[] ByteToChar { get; } = BuildByteMap();

    private static char[] BuildByteMap()
    {
        var map = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + extra++);
        }
        return map;
    }

    public static string TokenString(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <param name="tokens">Token byte strings; the index is the id.</param>
    /// <param name="merges">Merges in priority order, as pairs of token ids.</param>
    /// <param name="special">Special tokens (content, id), e.g. ("&lt;|endoftext|&gt;", 50256).</param>
    public static JsonObject Build(IReadOnlyList<byte[]> tokens, IEnumerable<(int Left, int Right)> merges, IEnumerable<(string Content, int Id)> special)
    {
        var vocab = new JsonObject();
        for (int id = 0; id < tokens.Count; id++) vocab[TokenString(tokens[id])] = id;
        var specials = special.ToList();
        foreach (var (content, id) in specials) vocab[content] = id;
        var mergeArray = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create($"{TokenString(tokens[m.Left])} {TokenString(tokens[m.Right])}")!).ToArray());
        var added = new JsonArray(specials.Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.Id, ["content"] = s.Content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        }).ToArray());
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab, ["merges"] = mergeArray,
            },
        };
    }
}
