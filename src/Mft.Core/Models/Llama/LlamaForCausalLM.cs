using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>
/// Llama-architecture causal LM, matching transformers' LlamaForCausalLM and the models that differ from it only
/// in options of <see cref="LlamaConfig"/>: MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM and
/// Gemma3ForCausalLM (the text model of Gemma 3). "model.*" plus "lm_head.weight" unless embeddings are tied.
/// </summary>
public sealed class LlamaForCausalLM : CausalLM
{
    private readonly LlamaModel model;
    private readonly Linear? lm_head;
    private readonly LlamaConfig _config;

    public LlamaForCausalLM(LlamaConfig config) : base(config.Architecture)
    {
        _config = config;
        model = new LlamaModel(config);
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public override ModelConfig Config => _config;

    public override Tensor OutputWeight => lm_head is null ? model.EmbeddingWeight : lm_head.weight!;

    public override Tensor ForwardHidden(Tensor inputIds, KvCache? cache = null) => model.Forward(inputIds, cache, CheckpointsLayers(cache));

    public override bool IsIgnorableCheckpointKey(string key) =>
        key.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) ||
        (_config.TieWordEmbeddings && key == "lm_head.weight");
}
