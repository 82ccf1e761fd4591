using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>SwiGLU feed-forward (Shazeer 2020): down(silu(gate(x)) * up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] private readonly Linear _gateProj;
    [ComponentName(Name = "up_proj")] private readonly Linear _upProj;
    [ComponentName(Name = "down_proj")] private readonly Linear _downProj;

    public LlamaMlp(LlamaConfig c) : base(nameof(LlamaMlp))
    {
        _gateProj = nn.Linear(c.HiddenSize, c.IntermediateSize, hasBias: c.MlpBias);
        _upProj = nn.Linear(c.HiddenSize, c.IntermediateSize, hasBias: c.MlpBias);
        _downProj = nn.Linear(c.IntermediateSize, c.HiddenSize, hasBias: c.MlpBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        _downProj.forward(nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x));   // (B, T, C)
}
