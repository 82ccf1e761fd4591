using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>
/// Gated feed-forward (Shazeer 2020): down(act(gate(x)) * up(x)), SwiGLU with SiLU (Llama, Qwen) or GeGLU with the
/// tanh-approximated GELU (Gemma 3's gelu_pytorch_tanh).
/// </summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] private readonly AdaptableLinear _gateProj;
    [ComponentName(Name = "up_proj")] private readonly AdaptableLinear _upProj;
    [ComponentName(Name = "down_proj")] private readonly AdaptableLinear _downProj;
    private readonly bool _gelu;

    public LlamaMlp(LlamaConfig c) : base(nameof(LlamaMlp))
    {
        _gelu = c.Gemma;
        _gateProj = new AdaptableLinear(c.HiddenSize, c.IntermediateSize, c.MlpBias);
        _upProj = new AdaptableLinear(c.HiddenSize, c.IntermediateSize, c.MlpBias);
        _downProj = new AdaptableLinear(c.IntermediateSize, c.HiddenSize, c.MlpBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        // In a region SiLU and the product with up stay bf16, as under autocast: down rounds its operand to bf16 anyway
        // (libtorch's bf16 SiLU computes in fp32 and rounds once). GELU-tanh is written out op by op, so it stays fp32.
        var gateUp = Autocast.Linears(x, [_gateProj, _upProj], castBack: _gelu);          // (B, T, I) each; one bf16 product in a region
        var activated = _gelu ? Activations.GeluTanh(gateUp[0]) : nn.functional.silu(gateUp[0]);   // (B, T, I)
        return _downProj.forward(activated * gateUp[1]);                                    // (B, T, C), fp32
    }
}
