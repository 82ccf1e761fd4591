using static TorchSharp.torch;

namespace Mft.Models.Gpt2;

/// <summary>
/// GPT-2 with its language-model head tied to the token embedding (transformers' GPT2LMHeadModel). Older
/// checkpoints store keys without the "transformer." prefix and carry attention-mask buffers; both are accepted.
/// </summary>
public sealed class Gpt2LMHeadModel : CausalLM
{
    private readonly Gpt2Model transformer;
    private readonly Gpt2Config _config;

    public Gpt2LMHeadModel(Gpt2Config config) : base(config.Architecture)
    {
        _config = config;
        transformer = new Gpt2Model(config);
        RegisterComponents();
    }

    public override ModelConfig Config => _config;

    public override Tensor OutputWeight => transformer.EmbeddingWeight;

    public override Tensor ForwardHidden(Tensor inputIds, KvCache? cache = null) => transformer.Forward(inputIds, cache, CheckpointsLayers(cache));

    public override bool IsIgnorableCheckpointKey(string key) =>
        key == "lm_head.weight" || key.EndsWith(".attn.bias", StringComparison.Ordinal) ||
        key.EndsWith(".attn.masked_bias", StringComparison.Ordinal);

    public override IEnumerable<string> CheckpointKeysFor(string parameterName)
    {
        yield return parameterName;
        const string prefix = "transformer.";
        if (parameterName.StartsWith(prefix, StringComparison.Ordinal)) yield return parameterName[prefix.Length..];
    }
}
