using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Adapters;

/// <summary>A module that only holds a "weight" parameter, so that LoRA's factors are named lora_A.weight and lora_B.weight as in PEFT.</summary>
internal sealed class WeightHolder : nn.Module
{
    private readonly Parameter weight;

    public WeightHolder(Parameter weight) : base(nameof(WeightHolder))
    {
        this.weight = weight;
        RegisterComponents();
    }

    public Parameter Weight => weight;
}
