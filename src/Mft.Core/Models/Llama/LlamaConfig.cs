using System.Text.Json.Nodes;
using Mft.Models.Layers;

namespace Mft.Models.Llama;

/// <summary>
/// Config of the Llama family as Hugging Face's <c>LlamaConfig</c>, <c>MistralConfig</c>, <c>Qwen2Config</c>,
/// <c>Qwen3Config</c> and <c>Gemma3TextConfig</c> define it: one decoder architecture (RMSNorm, rotary attention
/// with grouped key/value heads, gated MLP) whose members differ in biases, query/key norms, sliding windows,
/// Gemma's norm and embedding scaling, and defaults. Options a family's config.json may set but Mft does not
/// implement are refused by name, never ignored.
/// </summary>
public sealed record LlamaConfig : ModelConfig
{
    public required int IntermediateSize { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required double RmsNormEps { get; init; }
    public required double RopeTheta { get; init; }
    /// <summary>Bias on q, k and v projections (Qwen2; the others when attention_bias is set).</summary>
    public bool QkvBias { get; init; }
    /// <summary>Bias on the output projection (attention_bias, except Qwen2).</summary>
    public bool OutputBias { get; init; }
    public bool MlpBias { get; init; }
    /// <summary>Attend only to the last N positions in the layers <see cref="SlidingLayers"/> names, else null.</summary>
    public int? SlidingWindow { get; init; }
    /// <summary>Which layers use <see cref="SlidingWindow"/>; null: every layer (Mistral).</summary>
    public IReadOnlyList<bool>? SlidingLayers { get; init; }
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>Per-head RMSNorm of queries and keys before RoPE, q_norm and k_norm (Qwen3, Gemma 3).</summary>
    public bool QkNorm { get; init; }
    /// <summary>
    /// Gemma 3: norms scale by (1 + w), each block also normalises the attention and MLP outputs
    /// (post_attention_layernorm, pre_ and post_feedforward_layernorm), embeddings are multiplied by sqrt(hidden_size)
    /// and the MLP gate is GELU (tanh approximation) instead of SiLU.
    /// </summary>
    public bool Gemma { get; init; }
    /// <summary>Factor on q·k; null: 1/sqrt(head_dim). Gemma 3: query_pre_attn_scalar^-0.5.</summary>
    public double? AttentionScale { get; init; }
    /// <summary>RoPE base of the sliding-window layers when it differs from <see cref="RopeTheta"/> (Gemma 3's rope_local_base_freq, unscaled).</summary>
    public double? LocalRopeTheta { get; init; }

    public bool IsSliding(int layer) => SlidingWindow is not null && (SlidingLayers?[layer] ?? true);

    public override string Architecture => ModelType switch
    {
        "mistral" => "MistralForCausalLM",
        "qwen2" => "Qwen2ForCausalLM",
        "qwen3" => "Qwen3ForCausalLM",
        "gemma3_text" => "Gemma3ForCausalLM",
        _ => "LlamaForCausalLM",
    };

    /// <summary>The defaults of each family's Hugging Face config class, for keys a config.json leaves out.</summary>
    private sealed record Defaults(bool Tied, double Theta, int? HeadDim, int MaxPositions, int? KvHeads);

    private static Defaults DefaultsOf(string type) => type switch
    {
        "qwen3" => new(Tied: false, Theta: 10000.0, HeadDim: 128, MaxPositions: 32768, KvHeads: null),
        "gemma3_text" => new(Tied: true, Theta: 1_000_000.0, HeadDim: 256, MaxPositions: 131072, KvHeads: 4),
        _ => new(Tied: false, Theta: 10000.0, HeadDim: null, MaxPositions: 2048, KvHeads: null),
    };

    internal static LlamaConfig Read(ConfigReader r)
    {
        var type = r.String("model_type");
        var d = DefaultsOf(type);
        int hidden = r.Int("hidden_size");
        int heads = r.Int("num_attention_heads");
        bool attentionBias = r.Bool("attention_bias", false);
        if (r.Has("rope_parameters"))
            throw new MftException($"{r.Path}: 'rope_parameters' (the transformers v5 layout) is not supported; give rope_theta and rope_scaling instead");
        var common = new LlamaConfig
        {
            ModelType = type,
            VocabSize = r.Int("vocab_size"),
            HiddenSize = hidden,
            NumLayers = r.Int("num_hidden_layers"),
            MaxPositions = r.Int("max_position_embeddings", d.MaxPositions),
            TieWordEmbeddings = r.Bool("tie_word_embeddings", d.Tied),
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenIds = r.IntList("eos_token_id"),
            PadTokenId = r.OptionalInt("pad_token_id"),
            IntermediateSize = r.Int("intermediate_size"),
            NumHeads = heads,
            NumKvHeads = r.Int("num_key_value_heads", d.KvHeads ?? heads),
            HeadDim = r.Int("head_dim", d.HeadDim ?? (heads > 0 ? hidden / heads : 0)),
            RmsNormEps = r.Double("rms_norm_eps", 1e-6),
            RopeTheta = r.Double("rope_theta", d.Theta),
            QkvBias = type == "qwen2" || attentionBias,
            OutputBias = type != "qwen2" && attentionBias,
            MlpBias = type == "llama" && r.Bool("mlp_bias", false),
            QkNorm = type is "qwen3" or "gemma3_text",
            RopeScaling = Layers.RopeScaling.Read(r),
            Raw = r.Raw,
            SourcePath = r.Path,
        };
        if (type == "gemma3_text") return Gemma3Text.Read(r, common);
        var act = r.Has("hidden_act") ? r.String("hidden_act") : "silu";
        if (act != "silu") throw new MftException($"{r.Path}: hidden_act '{act}' is not supported for {type} (only silu)");
        return type switch
        {
            "mistral" => common with { SlidingWindow = r.Raw["sliding_window"] is null ? null : r.Int("sliding_window") },
            "qwen2" or "qwen3" when r.Bool("use_sliding_window", false) => common with
            {
                SlidingWindow = r.Int("sliding_window"),
                SlidingLayers = ReadLayerTypes(r, common.NumLayers)
                    ?? Enumerable.Range(0, common.NumLayers).Select(i => i >= r.Int("max_window_layers", 28)).ToArray(),
            },
            "qwen2" or "qwen3" when ReadLayerTypes(r, common.NumLayers)?.Any(s => s) == true =>
                throw new MftException($"{r.Path}: layer_types names sliding_attention layers but use_sliding_window is false"),
            _ => common,
        };
    }

    /// <summary>
    /// <c>layer_types</c>: one "sliding_attention" or "full_attention" per layer, as true (sliding) or false; null if
    /// the key is absent.
    /// </summary>
    internal static bool[]? ReadLayerTypes(ConfigReader r, int layers)
    {
        if (r.Raw["layer_types"] is null) return null;
        if (r.Raw["layer_types"] is not JsonArray types || types.Count != layers)
            throw new MftException($"{r.Path}: layer_types must be a list of {layers} entries (one per layer, num_hidden_layers)");
        var sliding = new bool[layers];
        for (int i = 0; i < layers; i++)
        {
            string? name = (types[i] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
            sliding[i] = name switch
            {
                "sliding_attention" => true,
                "full_attention" => false,
                _ => throw new MftException(
                    $"{r.Path}: layer_types[{i}] must be \"sliding_attention\" or \"full_attention\", got {types[i]?.ToJsonString() ?? "null"}"),
            };
        }
        return sliding;
    }

    public override void Validate()
    {
        base.Validate();
        if (NumHeads <= 0) throw new MftException($"{SourcePath}: num_attention_heads must be positive, got {NumHeads}");
        if (NumKvHeads <= 0 || NumHeads % NumKvHeads != 0)
            throw new MftException($"{SourcePath}: num_attention_heads ({NumHeads}) must be a multiple of num_key_value_heads ({NumKvHeads})");
        if (HeadDim <= 0 || HeadDim % 2 != 0) throw new MftException($"{SourcePath}: head_dim must be positive and even, got {HeadDim}");
        if (IntermediateSize <= 0) throw new MftException($"{SourcePath}: intermediate_size must be positive, got {IntermediateSize}");
        if (RmsNormEps <= 0) throw new MftException($"{SourcePath}: rms_norm_eps must be positive");
        if (RopeTheta <= 0) throw new MftException($"{SourcePath}: rope_theta must be positive");
        if (LocalRopeTheta <= 0) throw new MftException($"{SourcePath}: rope_local_base_freq must be positive");
        if (SlidingWindow <= 0) throw new MftException($"{SourcePath}: sliding_window must be positive, got {SlidingWindow}");
        if (AttentionScale is double a && !(a > 0 && double.IsFinite(a))) throw new MftException($"{SourcePath}: query_pre_attn_scalar must be positive");
    }
}
