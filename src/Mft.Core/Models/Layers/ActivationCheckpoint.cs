using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Mft.Models.Layers;

/// <summary>
/// Activation checkpointing (<c>--gradient-checkpointing</c>): a layer runs without keeping its activations for
/// backward, only its input; backward runs the layer again with gradients on and back-propagates through that
/// second run, accumulating the layer's parameter gradients and returning the input's gradient. The gradients are the
/// same as without checkpointing; the cost is one more forward of every checkpointed layer. The layer must compute
/// the same function twice: no dropout (the trainer refuses adapter dropout with checkpointing).
/// </summary>
public static class ActivationCheckpoint
{
    private static long _recomputations;

    /// <summary>How many layer recomputations backward has run in this process (a diagnostic for tests and benchmarks).</summary>
    public static long Recomputations => Interlocked.Read(ref _recomputations);

    /// <summary>
    /// <paramref name="layer"/>(<paramref name="x"/>), keeping only <paramref name="x"/> for backward. An input that needs no
    /// gradient (the embeddings' output when only adapters train) is made a leaf that does, so that backward still
    /// reaches the layer's parameters.
    /// </summary>
    public static Tensor Run(Tensor x, Func<Tensor, Tensor> layer)
    {
        if (!x.requires_grad) x = x.detach().requires_grad_(true);
        return RecomputedLayer.apply(x, layer);
    }

    private sealed class RecomputedLayer : SingleTensorFunction<RecomputedLayer>
    {
        public override string Name => nameof(ActivationCheckpoint);

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var (x, layer) = ((Tensor)vars[0], (Func<Tensor, Tensor>)vars[1]);
            ctx.save_for_backward([x]);
            ctx.save_data("layer", layer);
            return layer(x);                                                            // (B, T, C), without a graph
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
        {
            var layer = (Func<Tensor, Tensor>)ctx.get_data("layer");
            Interlocked.Increment(ref _recomputations);
            using var scope = NewDisposeScope();
            var input = ctx.get_saved_variables()[0].detach().requires_grad_(true);     // (B, T, C)
            using (enable_grad())
            {
                var output = layer(input);                                              // (B, T, C), with a graph
                output.backward([gradOutput]);   // parameter gradients accumulate here; the graph is freed after
            }
            return [input.grad!.MoveToOuterDisposeScope(), null!];                      // d input, and none for the layer
        }
    }
}
