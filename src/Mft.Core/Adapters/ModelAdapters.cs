using Mft.Models;
using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Adapters;

/// <summary>
/// Puts adapters on a model's target layers, switches them off and on (the MFT teacher is the same weights with
/// adapters off), folds them into the weights, and lists their parameters under PEFT's names.
/// </summary>
public static class ModelAdapters
{
    /// <summary>The prefix PEFT's PeftModel adds to every key of the wrapped model.</summary>
    public const string PeftPrefix = "base_model.model.";

    public static IEnumerable<(string Name, AdaptableLinear Layer)> Layers(CausalLM model) =>
        model.named_modules().Where(m => m.module is AdaptableLinear).Select(m => (m.name, (AdaptableLinear)m.module));

    /// <summary>
    /// Attaches fresh adapters to every layer whose last name component is a target and freezes every other
    /// parameter, so that only the adapters train. Under bf16 the frozen base's linear weights are kept in bf16 first
    /// (<see cref="CausalLM.KeepProductWeightsInBf16"/>): the bf16 products would cast them anyway, so training computes
    /// the same, in half their memory and without a per-step cast; DoRA's magnitudes start from those weights. Returns
    /// the number of adapted layers.
    /// </summary>
    public static int Attach(CausalLM model, AdapterConfig config, int seed = 0, Runtime.Precision precision = Runtime.Precision.Fp32)
    {
        config.Validate();
        var layers = Layers(model).ToList();
        if (layers.Count == 0)
            throw new MftException($"{model.Config.SourcePath}: adapters are implemented for Llama-family models (llama, mistral, qwen2, qwen3, gemma3_text), not {model.Config.ModelType}");
        var targets = config.Targets.ToHashSet();
        var chosen = layers.Where(l => targets.Contains(l.Name.Split('.')[^1])).ToList();
        var missing = targets.Except(chosen.Select(l => l.Name.Split('.')[^1])).ToList();
        if (missing.Count > 0)
            throw new OptionException("target_modules", $"no layer named {string.Join(", ", missing)} (this model has {string.Join(", ", layers.Select(l => l.Name.Split('.')[^1]).Distinct())})");
        if (chosen.Any(l => l.Layer.Adapter is not null)) throw new MftException("the model already has adapters");
        foreach (var p in model.parameters()) p.requires_grad = false;
        if (precision == Runtime.Precision.Bf16) model.KeepProductWeightsInBf16();
        var feedforward = config.Feedforward.ToHashSet();
        var device = model.Device;
        using var generator = new Generator((ulong)seed);   // LoRA and DoRA start from the seed alone, wherever they run
        foreach (var (name, layer) in chosen)
        {
            LinearAdapter adapter = config.Kind switch
            {
                AdapterKind.Lora => new LoraAdapter(layer.InFeatures, layer.OutFeatures, config.Rank, config.Alpha, config.Dropout, generator),
                AdapterKind.Dora => new DoraAdapter(layer.Weight, config.Rank, config.Alpha, config.Dropout, generator),
                _ => new Ia3Adapter(layer.InFeatures, layer.OutFeatures, feedforward.Contains(name.Split('.')[^1])),
            };
            layer.Attach(adapter);
        }
        if (device.type != DeviceType.CPU) model.to(device);
        return chosen.Count;
    }

    public static bool HasAdapters(CausalLM model) => AdaptableLinear.AnyAdapterIn(model);

    /// <summary>Switches every adapter off (the base model) or on; returns a handle that switches them back on.</summary>
    public static IDisposable Disabled(CausalLM model)
    {
        var layers = Layers(model).Where(l => l.Layer.Adapter is not null).Select(l => l.Layer).ToList();
        foreach (var l in layers) l.AdapterEnabled = false;
        return new Restore(() => { foreach (var l in layers) l.AdapterEnabled = true; });
    }

    /// <summary>Folds every adapter into its layer's weights and removes it; base parameters become trainable again.</summary>
    public static void Merge(CausalLM model)
    {
        foreach (var (_, layer) in Layers(model))
        {
            using var scope = NewDisposeScope();   // the layer's weight delta
            layer.MergeAndDetach();
        }
        foreach (var p in model.parameters()) p.requires_grad = true;
    }

    /// <summary>The adapter parameters, keyed as in PEFT's adapter_model.safetensors.</summary>
    public static List<(string Key, Parameter Value)> PeftStateDict(CausalLM model) =>
        model.named_parameters().Where(p => IsAdapterParameter(p.name)).Select(p => (PeftPrefix + p.name, p.parameter)).ToList();

    public static bool IsAdapterParameter(string name) =>
        name.EndsWith(".lora_A.weight", StringComparison.Ordinal) || name.EndsWith(".lora_B.weight", StringComparison.Ordinal)
        || name.EndsWith(".lora_magnitude_vector", StringComparison.Ordinal) || name.EndsWith(".ia3_l", StringComparison.Ordinal);

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
