namespace Mft.Models.Llama;

/// <summary>
/// Config of the Llama family as Hugging Face's <c>LlamaConfig</c>, <c>MistralConfig</c> and <c>Qwen2Config</c>
/// define it: they share one architecture and differ in biases, sliding windows and defaults.
/// </summary>
public sealed record LlamaConfig : ModelConfig
{
    public required int IntermediateSize { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required double RmsNormEps { get; init; }
    public required double RopeTheta { get; init; }
    /// <summary>Bias on q, k and v projections (Qwen2; Llama when attention_bias is set).</summary>
    public bool QkvBias { get; init; }
    /// <summary>Bias on the output projection (Llama's attention_bias only).</summary>
    public bool OutputBias { get; init; }
    public bool MlpBias { get; init; }
    /// <summary>Attend only to the last N positions (Mistral; Qwen2 when use_sliding_window), else null.</summary>
    public int? SlidingWindow { get; init; }
    public RopeScaling? RopeScaling { get; init; }

    public override string Architecture => ModelType switch
    {
        "mistral" => "MistralForCausalLM",
        "qwen2" => "Qwen2ForCausalLM",
        _ => "LlamaForCausalLM",
    };

    internal static LlamaConfig Read(ConfigReader r)
    {
        var type = r.String("model_type");
        int hidden = r.Int("hidden_size");
        int heads = r.Int("num_attention_heads");
        bool attentionBias = r.Bool("attention_bias", false);
        int? window = type switch
        {
            "mistral" => r.Raw["sliding_window"] is null ? null : r.Int("sliding_window"),
            "qwen2" when r.Bool("use_sliding_window", false) => r.Int("sliding_window"),
            _ => null,
        };
        return new LlamaConfig
        {
            ModelType = type,
            VocabSize = r.Int("vocab_size"),
            HiddenSize = hidden,
            NumLayers = r.Int("num_hidden_layers"),
            MaxPositions = r.Int("max_position_embeddings", 2048),
            // Hugging Face's LlamaConfig, MistralConfig and Qwen2Config all default to untied embeddings.
            TieWordEmbeddings = r.Bool("tie_word_embeddings", false),
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenIds = r.IntList("eos_token_id"),
            PadTokenId = r.OptionalInt("pad_token_id"),
            IntermediateSize = r.Int("intermediate_size"),
            NumHeads = heads,
            NumKvHeads = r.Int("num_key_value_heads", heads),
            HeadDim = r.Raw["head_dim"] is null ? (heads > 0 ? hidden / heads : 0) : r.Int("head_dim"),
            RmsNormEps = r.Double("rms_norm_eps", 1e-6),
            RopeTheta = r.Double("rope_theta", 10000.0),
            QkvBias = type == "qwen2" || attentionBias,
            OutputBias = type != "qwen2" && attentionBias,
            MlpBias = r.Bool("mlp_bias", false),
            SlidingWindow = window,
            RopeScaling = Llama.RopeScaling.Read(r),
            Raw = r.Raw,
            SourcePath = r.Path,
        };
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
    }
}
