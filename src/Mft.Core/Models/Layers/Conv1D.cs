using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>
/// GPT-2's "Conv1D": a linear layer whose weight is stored as (in, out), the transpose of nn.Linear. Keeping
/// Hugging Face's layout here means GPT-2 checkpoints load and save without any transposition.
/// </summary>
public sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    public Conv1D(long inFeatures, long outFeatures) : base(nameof(Conv1D))
    {
        weight = new Parameter(empty(inFeatures, outFeatures).normal_(0, 0.02));
        bias = new Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Autocast.AddMatMul(bias, x.reshape(-1, x.shape[^1]), weight)
        .reshape([.. x.shape[..^1], weight.shape[1]]);                        // (B, T, out)
}
