using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>
/// A linear layer (y = x Wᵀ + b, W stored (out, in) as in nn.Linear and Hugging Face checkpoints) that can carry
/// one PEFT adapter. The adapter's parameters are registered under this layer with PEFT's names (lora_A.weight,
/// lora_B.weight, lora_magnitude_vector, ia3_l), so the model's parameter names are PEFT's state-dict keys less
/// the "base_model.model." prefix. With <see cref="AdapterEnabled"/> off the layer is exactly the base layer.
/// </summary>
public sealed class AdaptableLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public AdaptableLinear(long inFeatures, long outFeatures, bool hasBias) : base(nameof(AdaptableLinear))
    {
        weight = new Parameter(empty(outFeatures, inFeatures).normal_(0, 0.02));
        if (hasBias) bias = new Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    public long InFeatures => weight.shape[1];
    public long OutFeatures => weight.shape[0];
    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public LinearAdapter? Adapter { get; private set; }

    /// <summary>Whether any adaptable layer in <paramref name="module"/> carries an adapter.</summary>
    public static bool AnyAdapterIn(nn.Module module) => module.modules().OfType<AdaptableLinear>().Any(l => l.Adapter is not null);
    public bool AdapterEnabled { get; set; } = true;

    /// <summary>Attaches an adapter and registers its parameters under PEFT's names.</summary>
    public void Attach(LinearAdapter adapter)
    {
        if (Adapter is not null) throw new InvalidOperationException("this layer already has an adapter");
        Adapter = adapter;
        adapter.Register(this);
    }

    /// <summary>Folds the adapter into the weight (and bias) and removes it; the layer's output does not change.</summary>
    public void MergeAndDetach()
    {
        if (Adapter is null) return;
        using (no_grad()) Adapter.MergeInto(weight, bias);
        Adapter.Unregister(this);
        Adapter = null;
    }

    internal void RegisterAdapterModule(string name, nn.Module module) => register_module(name, module);
    internal void RegisterAdapterParameter(string name, Parameter parameter) => register_parameter(name, parameter);
    internal void Forget(string name)
    {
        if (_internal_submodules.ContainsKey(name)) _internal_submodules.Remove(name);
        if (_internal_params.ContainsKey(name)) _internal_params.Remove(name);
    }

    /// <summary>x (…, in), fp32, or bf16 kept from a product inside an autocast region; the result is fp32 (…, out).</summary>
    public override Tensor forward(Tensor x) =>
        Adapter is { } a && AdapterEnabled ? a.Forward(x.to(ScalarType.Float32), weight, bias, training) : Autocast.Linear(x, weight, bias);   // adapters take fp32 input, as they always have
}
