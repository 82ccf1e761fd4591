using Mft.Models.Layers;
using Mft.Objectives;
using Mft.Tests.Models;
using Mft.Training;
using static TorchSharp.torch;

namespace Mft.Tests.Training;

public sealed class HeadGradientTests
{
    [Theory]
    [InlineData(1L << 40)]   // every chunk kept for one product
    [InlineData(2 * 7 * 11)] // flushed every two chunks of 7 positions
    public void Should_give_the_products_of_a_naive_float64_head_backward(long maxKept)
    {
        // Given a head W (V, C), hidden states H (N, C) and logit gradients G (N, V), fed chunk by chunk
        using var scope = NewDisposeScope();
        manual_seed(5);
        const int n = 23, v = 11, c = 6, chunk = 7;
        var weight = randn(v, c).requires_grad_(true);
        var hidden = randn(n, c);
        var gradient = randn(n, v);
        // When
        using (var head = new HeadGradient(weight, n, maxKept))
        {
            for (int start = 0; start < n; start += chunk)
            {
                int len = Math.Min(chunk, n - start);
                head.Add(start, hidden.narrow(0, start, len), gradient.narrow(0, start, len));
            }
            head.Flush();
            // Then the hidden states' gradient is G W and the weight's Gᵀ H, as float64 products make them
            var g64 = gradient.to(ScalarType.Float64);
            Assert.True(head.HiddenGradient.to(ScalarType.Float64).allclose(g64.mm(weight.detach().to(ScalarType.Float64)), rtol: 1e-5, atol: 1e-6));
            Assert.True(weight.grad!.to(ScalarType.Float64).allclose(g64.t().mm(hidden.to(ScalarType.Float64)), rtol: 1e-5, atol: 1e-6));
            // and a gradient already there is added to, not replaced
            head.Add(0, hidden.narrow(0, 0, chunk), gradient.narrow(0, 0, chunk));
            head.Flush();
            var twice = g64.t().mm(hidden.to(ScalarType.Float64)) + g64.narrow(0, 0, chunk).t().mm(hidden.narrow(0, 0, chunk).to(ScalarType.Float64));
            Assert.True(weight.grad!.to(ScalarType.Float64).allclose(twice, rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void Should_leave_a_frozen_head_without_a_gradient()
    {
        using var scope = NewDisposeScope();
        var weight = randn(11, 6);
        using var head = new HeadGradient(weight, 9);
        head.Add(0, randn(9, 6), randn(9, 11));
        head.Flush();
        Assert.Null(weight.grad);
        Assert.Equal([9L, 6L], head.HiddenGradient.shape);
    }

    [Theory]
    [InlineData("ft", false)]
    [InlineData("mft", false)]
    [InlineData("ft", true)]
    [InlineData("mft", true)]
    public void Should_give_the_gradients_of_the_chunked_autograd_backward(string method, bool bf16)
    {
        // Given a tied student and a batch cut into chunks of 5 positions, back-propagated by autograd chunk by chunk
        // (the loss differentiated by autograd) and by hand (the closed form, the head's weight gradient as one product)
        using var scope = NewDisposeScope();
        using var student = TinyModels.Random(TinyModels.LlamaJson(tied: true));
        var objective = TrainingMethod.Of(method).Create(0.2, 1.0, true);
        long[] ids = [1, 5, 9, 2, 7, 3, 8, 4, 6, 10, 12, 11, 3, 5, 7, 2, 9];
        var input = tensor(ids).unsqueeze(0);
        var labels = tensor(ids.Skip(1).Append(4L).ToArray()).unsqueeze(0);
        var mask = ones(1, ids.Length);
        Dictionary<string, Tensor> Gradients(bool autograd) => ChunkedGradients.Of(student, objective, input, labels, mask, 5, bf16, autograd, out _);
        // When
        var byAutograd = Gradients(autograd: true);
        var byHand = Gradients(autograd: false);
        // Then every gradient agrees: to fp32 rounding in fp32; in bf16 within a few bf16 units (the weight's gradient
        // is rounded once to bf16 over all chunks instead of once per chunk)
        double tolerance = bf16 ? 8.0 / 512 : 2e-5;
        foreach (var (name, a) in byAutograd)
        {
            var b = byHand[name];
            double rel = (b - a).norm().item<float>() / Math.Max(1e-12, a.norm().item<float>());
            Assert.True(rel < tolerance, $"{name}: relative difference {rel:E2}");
        }
    }
}
