using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>SwiGLU feed-forward (Shazeer 2020): down(silu(gate(x)) * up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] private readonly AdaptableLinear _gateProj;
    [ComponentName(Name = "up_proj")] private readonly AdaptableLinear _upProj;
    [ComponentName(Name = "down_proj")] private readonly AdaptableLinear _downProj;

    public LlamaMlp(LlamaConfig c) : base(nameof(LlamaMlp))
    {
        _gateProj = new AdaptableLinear(c.HiddenSize, c.IntermediateSize, c.MlpBias);
        _upProj = new AdaptableLinear(c.HiddenSize, c.IntermediateSize, c.MlpBias);
        _downProj = new AdaptableLinear(c.IntermediateSize, c.HiddenSize, c.MlpBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        _downProj.forward(nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x));   // (B, T, C)
}
