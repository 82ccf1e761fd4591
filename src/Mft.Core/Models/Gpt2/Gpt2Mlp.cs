using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Gpt2;

/// <summary>GPT-2 feed-forward: c_proj(act(c_fc(x))), with gelu_new (the tanh approximation) by default.</summary>
public sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "c_fc")] private readonly Conv1D _cFc;
    [ComponentName(Name = "c_proj")] private readonly Conv1D _cProj;
    private readonly string _activation;

    public Gpt2Mlp(Gpt2Config c) : base(nameof(Gpt2Mlp))
    {
        _activation = c.Activation;
        _cFc = new Conv1D(c.HiddenSize, c.InnerSize);
        _cProj = new Conv1D(c.InnerSize, c.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = _cFc.forward(x);                                                          // (B, T, 4C)
        h = _activation switch
        {
            "relu" => nn.functional.relu(h),
            "gelu" => nn.functional.gelu(h),
            _ => Activations.GeluTanh(h),
        };
        return _cProj.forward(h);                                                         // (B, T, C)
    }
}
