using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Models;

/// <summary>
/// A causal language model as Mft uses it: token ids in, final hidden states and logits out, with an optional
/// KV cache. Parameter names equal the Hugging Face state-dict keys of the family, so checkpoints load with no
/// mapping table. <see cref="ForwardHidden"/> and <see cref="Logits"/> are separate so that losses can project
/// to the vocabulary chunk by chunk.
/// </summary>
public abstract class CausalLM : nn.Module
{
    protected CausalLM(string name) : base(name) { }

    public abstract ModelConfig Config { get; }

    /// <summary>
    /// Recompute each decoder layer's activations in backward instead of keeping them (<see cref="Layers.ActivationCheckpoint"/>):
    /// less memory for one more forward per step. Only while gradients are on and no KV cache is used.
    /// </summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Whether a forward pass now should checkpoint its layers.</summary>
    protected bool CheckpointsLayers(KvCache? cache) => GradientCheckpointing && cache is null && is_grad_enabled();

    /// <summary>Final (normalised) hidden states, (B, T, C). Positions continue after the cache's length.</summary>
    public abstract Tensor ForwardHidden(Tensor inputIds, KvCache? cache = null);

    /// <summary>The output projection's weight, (V, C): logits = hidden @ W^T.</summary>
    public abstract Tensor OutputWeight { get; }

    /// <summary>
    /// The device the weights live on. Reading <see cref="OutputWeight"/> makes a new tensor handle each time, so this
    /// reads it inside its own dispose scope: a handle made per call outside any scope would stay live.
    /// </summary>
    public Device Device
    {
        get
        {
            using var _ = NewDisposeScope();
            return OutputWeight.device;
        }
    }

    /// <summary>Projects hidden states (…, C) to logits (…, V), fp32 (the product in bf16 inside a <see cref="Layers.Autocast"/> region).</summary>
    public Tensor Logits(Tensor hidden) => Layers.Autocast.Linear(hidden, OutputWeight, null);

    /// <summary>Logits for every position, (B, T, V).</summary>
    public Tensor Forward(Tensor inputIds, KvCache? cache = null) => Logits(ForwardHidden(inputIds, cache));

    /// <summary>Checkpoint keys that may be present in a file but have no parameter here (buffers, tied heads).</summary>
    public virtual bool IsIgnorableCheckpointKey(string key) => false;

    /// <summary>Other names under which a parameter may be stored (e.g. GPT-2 without the "transformer." prefix).</summary>
    public virtual IEnumerable<string> CheckpointKeysFor(string parameterName) => [parameterName];

    public KvCache NewCache() => new(Config.NumLayers);

    /// <summary>
    /// Initialises weights as Hugging Face does for a fresh model: normal(0, std) matrices, zero biases, norms that
    /// do not scale (weight 1, or 0 for Gemma's (1 + w) norms). The draws come from <paramref name="generator"/>, or from
    /// libtorch's process-wide generator when it is null.
    /// </summary>
    public void InitializeWeights(double std = 0.02, Generator? generator = null)
    {
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
            else if (p.dim() == 1) p.fill_(Runtime.Scalars.OneDouble);
            else p.normal_(0, std, generator);
        }
        foreach (var norm in modules().OfType<Layers.RmsNorm>()) norm.ResetWeight();
    }

    public long ParameterCount() => parameters().Sum(p => p.NumberOfElements);

    /// <summary>
    /// The layers whose weights enter only matrix products (every linear layer, GPT-2's Conv1D), with their names: in a
    /// bf16 <see cref="Layers.Autocast"/> region a product sees only their bf16 casts, so keeping them in bf16 changes no
    /// product made in such a region. Embeddings (also looked up) and norms are not among them.
    /// </summary>
    public IEnumerable<(string Name, nn.Module Layer)> ProductLayers() =>
        named_modules().Where(m => m.module is Layers.AdaptableLinear or Layers.Conv1D);

    /// <summary>
    /// Keeps the weights and biases of the <see cref="ProductLayers"/> in bf16 (rounded to nearest): for frozen weights in
    /// bf16 runs, which need no fp32 master. Call before adapters are attached (their parameters stay fp32).
    /// </summary>
    public void KeepProductWeightsInBf16()
    {
        if (Layers.AdaptableLinear.AnyAdapterIn(this)) throw new InvalidOperationException("convert the frozen weights before attaching adapters");
        foreach (var (_, layer) in ProductLayers()) layer.to(ScalarType.BFloat16);
    }
}
