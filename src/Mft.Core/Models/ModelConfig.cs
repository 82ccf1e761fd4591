using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mft.Models;

/// <summary>
/// What every causal LM config says, read from a Hugging Face <c>config.json</c>. Each family adds its own
/// fields (<see cref="Llama.LlamaConfig"/> for Llama, Mistral, Qwen2, Qwen3 and Gemma 3 text, <see cref="Gpt2.Gpt2Config"/>). The original JSON is kept so that
/// a saved model's config differs from its source only where Mft changed something.
/// </summary>
public abstract record ModelConfig
{
    public required string ModelType { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required int MaxPositions { get; init; }

    /// <summary>Refuses a context longer than the model's positions, naming the option and <paramref name="model"/>.</summary>
    public void RequireContext(int context, string model = "the model")
    {
        if (context > MaxPositions) throw MftException.NamingOptions($"{{context}} {context} exceeds {model}'s max_position_embeddings ({MaxPositions})");
    }
    public required bool TieWordEmbeddings { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }
    public JsonObject Raw { get; init; } = new();
    public string SourcePath { get; init; } = "config.json";

    /// <summary>The usual estimate of the parameter count, 12·L·H² + V·H, for decisions that only need the order of magnitude.</summary>
    public long EstimatedParameters => 12L * NumLayers * HiddenSize * HiddenSize + (long)VocabSize * HiddenSize;

    /// <summary>Architecture name written to <c>architectures</c>.</summary>
    public abstract string Architecture { get; }

    public const string FileName = "config.json";

    /// <summary>Reads <c>config.json</c> from a model directory and picks the family by <c>model_type</c>.</summary>
    public static ModelConfig Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!Directory.Exists(directory)) throw new MftException($"{directory}: model directory not found");
        if (!File.Exists(path)) throw new MftException($"{path}: not found (a Hugging Face model directory needs config.json)");
        JsonObject raw;
        try
        {
            raw = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                  ?? throw new MftException($"{path}: expected a JSON object");
        }
        catch (JsonException e) { throw new MftException($"{path}: malformed JSON ({e.Message})"); }
        return Parse(raw, path);
    }

    public static ModelConfig Parse(JsonObject raw, string path)
    {
        var reader = new ConfigReader(raw, path);
        var modelType = reader.String("model_type");
        ModelConfig config = modelType switch
        {
            "llama" or "mistral" or "qwen2" or "qwen3" or "gemma3_text" => Llama.LlamaConfig.Read(reader),
            "gpt2" => Gpt2.Gpt2Config.Read(reader),
            "gemma3" => throw new MftException(
                $"{path}: model_type 'gemma3' is the multimodal Gemma 3 (Gemma3ForConditionalGeneration, text_config plus a vision tower); " +
                "Mft supports its text model only: use a checkpoint whose config.json has model_type 'gemma3_text' (Gemma3ForCausalLM)"),
            _ => throw new MftException(
                $"{path}: unknown architecture model_type '{modelType}'. Supported: llama, mistral, qwen2, qwen3, gemma3_text, gpt2"),
        };
        config.Validate();
        return config;
    }

    /// <summary>Checks sizes for consistency; throws an error naming the file and field.</summary>
    public virtual void Validate()
    {
        void Positive(string field, int value)
        {
            if (value <= 0) throw new MftException($"{SourcePath}: {field} must be positive, got {value}");
        }
        Positive("vocab_size", VocabSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_hidden_layers", NumLayers);
        Positive("max_position_embeddings", MaxPositions);
    }

    /// <summary>The JSON to write next to saved weights.</summary>
    public JsonObject ToJson()
    {
        var json = (JsonObject)Raw.DeepClone();
        json["architectures"] = new JsonArray(Architecture);
        json["torch_dtype"] = "float32";
        return json;
    }

    /// <summary>Reads typed fields from config.json with errors that name the file and key.</summary>
    public sealed class ConfigReader(JsonObject raw, string path)
    {
        public JsonObject Raw { get; } = raw;
        public string Path { get; } = path;

        public bool Has(string key) => Raw[key] is not null;

        public string String(string key) => Get(key, n => n.GetValue<string>(), "a string");
        public int Int(string key) => Get(key, n => n.GetValue<int>(), "an integer");
        public int Int(string key, int fallback) => Has(key) ? Int(key) : fallback;
        public int? OptionalInt(string key) => Has(key) ? Int(key) : null;
        public double Double(string key, double fallback) => Has(key) ? Get(key, n => n.GetValue<double>(), "a number") : fallback;
        public bool Bool(string key, bool fallback) => Has(key) ? Get(key, n => n.GetValue<bool>(), "true or false") : fallback;

        /// <summary>An int or a list of ints (as eos_token_id may be).</summary>
        public IReadOnlyList<int> IntList(string key)
        {
            var node = Raw[key];
            if (node is null) return [];
            if (node is JsonArray arr) return arr.Select(n => ReadNode(key, n!, x => x.GetValue<int>(), "an integer")).ToList();
            return [Int(key)];
        }

        private T Get<T>(string key, Func<JsonNode, T> read, string what)
        {
            var node = Raw[key] ?? throw new MftException($"{Path}: missing field '{key}'");
            return ReadNode(key, node, read, what);
        }

        private T ReadNode<T>(string key, JsonNode node, Func<JsonNode, T> read, string what)
        {
            try { return read(node); }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new MftException($"{Path}: field '{key}' must be {what}, got {node.ToJsonString()}");
            }
        }
    }
}
