using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mft.Tokenization;

/// <summary>
/// The parts of <c>tokenizer_config.json</c> (and <c>config.json</c> as fallback) that decide special tokens:
/// bos/eos/pad token strings or ids and the add_bos_token/add_eos_token switches.
/// </summary>
public sealed record TokenizerConfig(string? BosToken, string? EosToken, string? PadToken, bool? AddBos, bool? AddEos,
    int? BosIdFromModelConfig, int? EosIdFromModelConfig, int? PadIdFromModelConfig)
{
    /// <summary>Tokens from <c>added_tokens_decoder</c> (content to id), matched whole in text.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; init; } = new Dictionary<string, int>();

    public static TokenizerConfig Load(string directory)
    {
        var tc = ReadObject(Path.Combine(directory, "tokenizer_config.json"));
        var mc = ReadObject(Path.Combine(directory, "config.json"));
        return new TokenizerConfig(
            TokenString(tc?["bos_token"]), TokenString(tc?["eos_token"]), TokenString(tc?["pad_token"]),
            Bool(tc?["add_bos_token"]), Bool(tc?["add_eos_token"]),
            FirstInt(mc?["bos_token_id"]), FirstInt(mc?["eos_token_id"]), FirstInt(mc?["pad_token_id"]))
        {
            AddedTokens = ReadAddedTokens(tc?["added_tokens_decoder"], Path.Combine(directory, "tokenizer_config.json")),
        };
    }

    private static Dictionary<string, int> ReadAddedTokens(JsonNode? node, string path)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (node is not JsonObject decoder) return result;
        foreach (var (key, value) in decoder)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                throw new MftException($"{path}: added_tokens_decoder key '{key}' is not a token id");
            var content = TokenString(value) ?? throw new MftException($"{path}: added_tokens_decoder.{key} has no content");
            result[content] = id;
        }
        return result;
    }

    private static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new MftException($"{path}: expected a JSON object"); }
        catch (JsonException e) { throw new MftException($"{path}: malformed JSON ({e.Message})"); }
    }

    private static string? TokenString(JsonNode? n) => n switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["content"] is JsonValue c && c.TryGetValue<string>(out var s) => s,
        _ => null,
    };

    private static bool? Bool(JsonNode? n) => n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static int? FirstInt(JsonNode? n) => n switch
    {
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonArray { Count: > 0 } a when a[0] is JsonValue v && v.TryGetValue<int>(out var i) => i,
        _ => null,
    };
}
