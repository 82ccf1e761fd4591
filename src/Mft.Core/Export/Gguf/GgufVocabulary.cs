using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Tokenization;
using Mft.Tokenization.SentencePiece;

namespace Mft.Export.Gguf;

/// <summary>
/// A tokenizer as GGUF states it (<c>tokenizer.ggml.*</c>), so that llama.cpp tokenizes as Mft does:
/// <list type="bullet">
/// <item>a byte-level BPE <c>tokenizer.json</c> (GPT-2, Llama 3, Qwen2/3) is model <c>gpt2</c> with its merges and the
/// pre-tokenizer llama.cpp knows by name (<c>gpt-2</c>, <c>llama-bpe</c>, <c>qwen2</c>), recognised by its split regex;</item>
/// <item>a SentencePiece BPE <c>tokenizer.model</c> (Llama 2, Mistral, Gemma) is model <c>llama</c> with its pieces, scores
/// and piece types, used also when a SentencePiece-style tokenizer.json sits beside it.</item>
/// </list>
/// A tokenizer llama.cpp would run differently (another pre-tokenizer, a unigram model, a normalizer it does not
/// apply) is an error naming the file and what cannot be expressed. SentencePiece's <c>remove_extra_whitespaces</c>
/// (its training default) is exported with a note, as llama.cpp's converter does: llama.cpp keeps every space, so
/// only text with runs of spaces or leading/trailing spaces is tokenized differently.
/// </summary>
public sealed record GgufVocabulary(
    string Model, string? Pre, IReadOnlyList<string> Tokens, IReadOnlyList<float>? Scores, IReadOnlyList<int> Types,
    IReadOnlyList<string>? Merges, bool? AddSpacePrefix, int? UnkId, string Source)
{
    /// <summary>llama.cpp's token types (<c>enum llama_token_type</c>), equal to SentencePiece's piece types.</summary>
    public const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6;

    /// <summary>Split regexes of the byte-level pre-tokenizers llama.cpp implements, by its name for them.</summary>
    private static readonly (string Name, string Regex)[] KnownSplits =
    [
        ("llama-bpe", @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"),
        ("qwen2", @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"),
    ];

    /// <summary>Reads the tokenizer of a model directory, padded with unused tokens up to the model's vocab_size;
    /// what llama.cpp will run differently but acceptably goes to <paramref name="note"/>.</summary>
    public static GgufVocabulary Read(string directory, int modelVocabSize, Action<string>? note = null)
    {
        note ??= _ => { };
        var json = Path.Combine(directory, HfTokenizer.FileName);
        var sp = Path.Combine(directory, SentencePieceModelTokenizer.FileName);
        if (File.Exists(json))
        {
            var root = ReadJson(json);
            if (ByteLevelPre(root, json) is string pre) return FromByteLevelJson(root, json, pre, modelVocabSize);
            if (File.Exists(sp)) return FromSentencePiece(sp, modelVocabSize, note);
            throw new MftException(
                $"{json}: pre_tokenizer {Describe(root["pre_tokenizer"])} is not one llama.cpp implements by name (byte-level BPE with GPT-2's, " +
                "Llama 3's or Qwen2's split); a SentencePiece-style tokenizer.json is exported from its tokenizer.model, which is not beside it");
        }
        if (File.Exists(sp)) return FromSentencePiece(sp, modelVocabSize, note);
        throw new MftException($"{directory}: no tokenizer.json or tokenizer.model found");
    }

    /// <summary>Writes the <c>tokenizer.ggml.*</c> keys, the special ids and add-bos/eos flags of <paramref name="special"/>.</summary>
    public void WriteTo(GgufMetadata m, SpecialTokens special)
    {
        m.String("tokenizer.ggml.model", Model);
        if (Pre is not null) m.String("tokenizer.ggml.pre", Pre);
        m.Strings("tokenizer.ggml.tokens", Tokens);
        if (Scores is not null) m.Floats("tokenizer.ggml.scores", Scores);
        m.Ints("tokenizer.ggml.token_type", Types);
        if (Merges is not null) m.Strings("tokenizer.ggml.merges", Merges);
        if (special.BosId is int bos) m.UInt32("tokenizer.ggml.bos_token_id", bos);
        if (special.EosId is int eos) m.UInt32("tokenizer.ggml.eos_token_id", eos);
        if (UnkId is int unk) m.UInt32("tokenizer.ggml.unknown_token_id", unk);
        if (special.PadId is int pad) m.UInt32("tokenizer.ggml.padding_token_id", pad);
        m.Bool("tokenizer.ggml.add_bos_token", special.AddBos && special.BosId is not null);
        m.Bool("tokenizer.ggml.add_eos_token", special.AddEos && special.EosId is not null);
        if (AddSpacePrefix is bool prefix) m.Bool("tokenizer.ggml.add_space_prefix", prefix);
    }

    private static JsonObject ReadJson(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new MftException($"{path}: expected a JSON object"); }
        catch (JsonException e) { throw new MftException($"{path}: malformed JSON ({e.Message})"); }
    }

    private static string Describe(JsonNode? n) => n is null ? "null" : n.ToJsonString().Length > 160 ? n.ToJsonString()[..160] + "…" : n.ToJsonString();

    /// <summary>The llama.cpp pre-tokenizer name of a byte-level BPE tokenizer.json; null if it is not byte-level BPE.</summary>
    private static string? ByteLevelPre(JsonObject root, string path)
    {
        var pre = root["pre_tokenizer"] as JsonObject;
        if ((string?)pre?["type"] == "ByteLevel")
            return pre!["use_regex"] is JsonValue v && v.TryGetValue<bool>(out var useRegex) && !useRegex
                ? throw new MftException($"{path}: a ByteLevel pre_tokenizer without its regex has no llama.cpp equivalent")
                : "gpt-2";
        if ((string?)pre?["type"] != "Sequence" || pre!["pretokenizers"] is not JsonArray parts) return null;
        if (parts.Count != 2 || (string?)parts[1]?["type"] != "ByteLevel") return null;
        var split = parts[0] as JsonObject;
        if ((string?)split?["type"] != "Split" || (string?)split["behavior"] != "Isolated" || (bool?)split["invert"] == true) return null;
        var regex = (string?)split["pattern"]?["Regex"];
        foreach (var (name, known) in KnownSplits)
            if (regex == known) return name;
        throw new MftException(
            $"{path}: pre_tokenizer split regex {JsonSerializer.Serialize(regex)} is not one llama.cpp implements (known: GPT-2's, Llama 3's, Qwen2's)");
    }

    private static GgufVocabulary FromByteLevelJson(JsonObject root, string path, string pre, int modelVocabSize)
    {
        var model = root["model"] as JsonObject ?? throw new MftException($"{path}: missing 'model'");
        if ((string?)model["type"] != "BPE") throw new MftException($"{path}: model.type must be BPE for a byte-level tokenizer, got {Describe(model["type"])}");
        var normalizer = (string?)root["normalizer"]?["type"];
        // llama.cpp applies no normalizer; NFC (Qwen2) changes nothing in text that is already NFC, as nearly all text is
        if (root["normalizer"] is not null && normalizer != "NFC")
            throw new MftException($"{path}: normalizer {Describe(root["normalizer"])} has no llama.cpp equivalent for byte-level BPE");
        var byId = new Dictionary<int, string>();
        var types = new Dictionary<int, int>();
        if (model["vocab"] is not JsonObject vocab) throw new MftException($"{path}: model.vocab must be an object");
        foreach (var (token, id) in vocab) { byId[(int)id!] = token; types[(int)id!] = Normal; }
        if (root["added_tokens"] is JsonArray added)
            foreach (var a in added.OfType<JsonObject>())
            {
                int id = (int)a["id"]!;
                byId[id] = (string)a["content"]!;
                types[id] = (bool?)a["special"] == true ? Control : UserDefined;
            }
        var merges = new List<string>();
        if (model["merges"] is JsonArray list)
            foreach (var merge in list)
                merges.Add(merge switch
                {
                    JsonValue s => (string)s!,
                    JsonArray pair when pair.Count == 2 => $"{(string)pair[0]!} {(string)pair[1]!}",
                    _ => throw new MftException($"{path}: model.merges entry {Describe(merge)} is neither \"a b\" nor [a, b]"),
                });
        var (tokens, tokenTypes) = Padded(byId, types, modelVocabSize, path);
        return new GgufVocabulary("gpt2", pre, tokens, null, tokenTypes, merges, null, null, path);
    }

    private static GgufVocabulary FromSentencePiece(string path, int modelVocabSize, Action<string> note)
    {
        var file = SentencePieceModelFile.Read(File.ReadAllBytes(path), path);
        if (file.Algorithm != SentencePieceAlgorithm.Bpe)
            throw new MftException($"{path}: a SentencePiece {file.Algorithm} model cannot be exported (llama.cpp's 'llama' tokenizer runs SentencePiece BPE only)");
        var n = file.Normalizer;
        if (n.PrecompiledCharsMap.Length > 0 || n.Name is not ("identity" or ""))
            throw new MftException($"{path}: normalizer '{n.Name}' is not applied by llama.cpp; only 'identity' can be exported");
        if (n.RemoveExtraWhitespaces)
            note($"{path}: remove_extra_whitespaces is set, and llama.cpp does not collapse runs of spaces or drop leading/trailing " +
                 "ones, so on such text its ids differ from Mft's and SentencePiece's (docs/export.md)");
        if (file.TreatWhitespaceAsSuffix) throw new MftException($"{path}: treat_whitespace_as_suffix is not supported by llama.cpp");
        var byId = new Dictionary<int, string>();
        var types = new Dictionary<int, int>();
        var scores = new List<float>();
        for (int i = 0; i < file.Pieces.Count; i++)
        {
            byId[i] = file.Pieces[i].Text;
            types[i] = (int)file.Pieces[i].Type;
            scores.Add(file.Pieces[i].Score);
        }
        var (tokens, tokenTypes) = Padded(byId, types, modelVocabSize, path);
        while (scores.Count < tokens.Count) scores.Add(-1000f);
        return new GgufVocabulary("llama", "default", tokens, scores, tokenTypes, null, n.AddDummyPrefix,
            file.UnkId >= 0 ? file.UnkId : null, path);
    }

    /// <summary>Tokens and types by id, every id below the model's vocab_size present (missing ones as unused [PADn]).</summary>
    private static (List<string>, List<int>) Padded(Dictionary<int, string> byId, Dictionary<int, int> types, int size, string path)
    {
        int max = byId.Count == 0 ? -1 : byId.Keys.Max();
        if (max >= size) throw new MftException($"{path}: token id {max} is beyond the model's vocab_size {size}");
        var tokens = new List<string>(size);
        var kinds = new List<int>(size);
        for (int i = 0; i < size; i++)
        {
            tokens.Add(byId.TryGetValue(i, out var t) ? t : $"[PAD{i}]");
            kinds.Add(types.TryGetValue(i, out var k) ? k : Unused);
        }
        return (tokens, kinds);
    }
}
