using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mft.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> (byte-level BPE as GPT-2, Llama 3 and Qwen2 use; SentencePiece-style BPE
/// with Metaspace and byte fallback as Llama 2 and Mistral use; anything else the format describes), run by
/// Hugging Face's own Rust tokenizers library through Tokenizers.DotNet, so ids match Python exactly.
/// The file's post-processor is set aside so that Encode returns the text's ids alone; bos/eos are then added
/// as tokenizer_config.json (or, failing that, the post-processor's template) says.
/// </summary>
public sealed class HfTokenizer : ITextTokenizer
{
    public const string FileName = "tokenizer.json";

    private readonly Tokenizers.DotNet.Tokenizer _inner;

    public int VocabSize { get; }
    public SpecialTokens Special { get; }
    public IReadOnlyDictionary<string, int> AddedTokens { get; }

    private HfTokenizer(Tokenizers.DotNet.Tokenizer inner, int vocabSize, SpecialTokens special, IReadOnlyDictionary<string, int> added)
    {
        _inner = inner;
        VocabSize = vocabSize;
        Special = special;
        AddedTokens = added;
    }

    public static HfTokenizer Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new MftException($"{path}: not found");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new MftException($"{path}: expected a JSON object");
        }
        catch (JsonException e) { throw new MftException($"{path}: malformed JSON ({e.Message})"); }
        if (json["model"] is not JsonObject model) throw new MftException($"{path}: missing 'model' section");

        var added = new Dictionary<string, int>();
        if (json["added_tokens"] is JsonArray addedArray)
            foreach (var t in addedArray.OfType<JsonObject>())
                if (t["content"]?.GetValue<string>() is { } content && t["id"] is JsonValue idNode && idNode.TryGetValue<int>(out var id))
                    added[content] = id;
        int maxId = added.Count > 0 ? added.Values.Max() : -1;
        if (model["vocab"] is JsonObject vocabObject)
            foreach (var kv in vocabObject)
                if (kv.Value is JsonValue v && v.TryGetValue<int>(out var id)) maxId = Math.Max(maxId, id);
        if (model["vocab"] is JsonArray unigram) maxId = Math.Max(maxId, unigram.Count - 1);
        if (maxId < 0) throw new MftException($"{path}: the vocabulary is empty");

        var templateBos = TemplateBos(json["post_processor"]);
        var config = TokenizerConfig.Load(directory);
        int? Lookup(string? token) => token is not null && added.TryGetValue(token, out var id) ? id
            : token is not null && model["vocab"] is JsonObject vo && vo[token] is JsonValue v && v.TryGetValue<int>(out var vid) ? vid : null;
        var bosId = Lookup(config.BosToken) ?? Lookup(templateBos) ?? config.BosIdFromModelConfig;
        var eosId = Lookup(config.EosToken) ?? config.EosIdFromModelConfig;
        var padId = Lookup(config.PadToken) ?? config.PadIdFromModelConfig;
        bool addBos = config.AddBos ?? templateBos is not null;
        var special = new SpecialTokens(bosId, eosId, padId, addBos, config.AddEos ?? false);

        // Load a copy without the post-processor, so that Encode adds nothing.
        json["post_processor"] = null;
        var tmp = Path.Combine(Path.GetTempPath(), $"mft-tokenizer-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(tmp, json.ToJsonString());
            Tokenizers.DotNet.Tokenizer inner;
            try { inner = new Tokenizers.DotNet.Tokenizer(tmp); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new MftException($"{path}: the tokenizers library rejected this file ({e.Message})");
            }
            return new HfTokenizer(inner, maxId + 1, special, added);
        }
        finally { File.Delete(tmp); }
    }

    /// <summary>The special token a TemplateProcessing post-processor puts before a single sequence, if any.</summary>
    private static string? TemplateBos(JsonNode? postProcessor)
    {
        if (postProcessor is not JsonObject pp) return null;
        if (pp["type"]?.GetValue<string>() == "Sequence" && pp["processors"] is JsonArray procs)
            return procs.Select(TemplateBos).FirstOrDefault(t => t is not null);
        if (pp["type"]?.GetValue<string>() != "TemplateProcessing") return null;
        if (pp["single"] is not JsonArray single || single.Count == 0) return null;
        return single[0]?["SpecialToken"]?["id"]?.GetValue<string>();
    }

    public int[] Encode(string text)
    {
        if (text.Length == 0) return [];
        return Array.ConvertAll(_inner.Encode(text), x => (int)x);
    }

    public string Decode(IReadOnlyList<int> ids) => ids.Count == 0 ? "" : _inner.Decode(ids.Select(i => (uint)i).ToArray());

    public void Dispose() => _inner.Dispose();
}
