namespace Mft.Models.Gpt2;

/// <summary>Config of GPT-2 as Hugging Face's <c>GPT2Config</c> names it (n_embd, n_layer, n_head, n_positions).</summary>
public sealed record Gpt2Config : ModelConfig
{
    public required int NumHeads { get; init; }
    public required int InnerSize { get; init; }
    public required double LayerNormEps { get; init; }
    public required string Activation { get; init; }

    public override string Architecture => "GPT2LMHeadModel";

    internal static Gpt2Config Read(ModelConfig.ConfigReader r)
    {
        int embd = r.Int("n_embd", 768);
        var act = r.Has("activation_function") ? r.String("activation_function") : "gelu_new";
        return new Gpt2Config
        {
            ModelType = "gpt2",
            VocabSize = r.Int("vocab_size", 50257),
            HiddenSize = embd,
            NumLayers = r.Int("n_layer", 12),
            MaxPositions = r.Int("n_positions", 1024),
            TieWordEmbeddings = r.Bool("tie_word_embeddings", true),
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenIds = r.IntList("eos_token_id"),
            PadTokenId = r.OptionalInt("pad_token_id"),
            NumHeads = r.Int("n_head", 12),
            InnerSize = r.Raw["n_inner"] is null ? 4 * embd : r.Int("n_inner"),
            LayerNormEps = r.Double("layer_norm_epsilon", 1e-5),
            Activation = act,
            Raw = r.Raw,
            SourcePath = r.Path,
        };
    }

    public override void Validate()
    {
        base.Validate();
        if (NumHeads <= 0 || HiddenSize % NumHeads != 0)
            throw new MftException($"{SourcePath}: n_embd ({HiddenSize}) must be a multiple of n_head ({NumHeads})");
        if (Activation is not ("gelu_new" or "gelu" or "gelu_pytorch_tanh" or "relu"))
            throw new MftException($"{SourcePath}: activation_function '{Activation}' is not supported");
        if (!TieWordEmbeddings) throw new MftException($"{SourcePath}: GPT-2 with untied embeddings is not supported");
    }
}
