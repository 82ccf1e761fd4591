using Mft.Models;
using Mft.Models.Layers;
using Mft.Models.Llama;
using Mft.Objectives;
using Mft.Tests.Reference;
using Mft.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Mft.Tests.Models;

/// <summary>
/// bf16 autocast (<see cref="Autocast"/>) against the fp32 path and float64 references. bf16 keeps 8 significant bits:
/// rounding an operand moves it by at most u = 2^-9 (0.2%) of itself. A product of two rounded operands, accumulated
/// in fp32, is off by at most about 2u of the sum of |a_i b_i|; through a few layers the logits move by a few u of
/// their scale. The tolerances below are stated in u: 2u per product on the longest chain of products (in the tiny
/// two-layer model: q/k/v projection, QK^T, PV, o_proj, gate/up, down per layer, then the head: 13), twice that for
/// gradients (backward runs the chain again); fp32 paths are held to fp32's own rounding (about 1e-6). Measured errors
/// (printed) sit at a quarter to a half of these bounds; a product done in fp32 instead shows as the bf16 error
/// vanishing, a reduction done in bf16 as the loss check failing.
/// </summary>
public sealed class AutocastTests(ITestOutputHelper output)
{
    private const double U = 1.0 / 512;   // bf16's unit roundoff, 2^-9

    private static readonly int[] Ids = [1, 5, 17, 3, 44, 60, 2, 9, 33, 12, 7, 50, 21, 8, 40, 30];

    private static double RelativeError(double[,] actual, double[,] expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                num += Math.Pow(actual[i, j] - expected[i, j], 2);
                den += Math.Pow(expected[i, j], 2);
            }
        return Math.Sqrt(num / den);
    }

    private static double[,] ToArray(Tensor logits)
    {
        var t = logits.squeeze(0).to_type(ScalarType.Float64);
        var flat = t.data<double>().ToArray();
        long rows = t.shape[0], cols = t.shape[1];
        var a = new double[rows, cols];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++) a[i, j] = flat[i * cols + j];
        return a;
    }

    [Fact]
    public void Should_give_the_float64_logits_within_bf16_rounding_and_fp32_outside_a_region()
    {
        // Given a Llama model with grouped-query attention and the float64 loop reference
        using var scope = NewDisposeScope();
        using var model = TinyModels.Random(TinyModels.LlamaJson());
        var c = (LlamaConfig)model.Config;
        var spec = new NaiveTransformer.LlamaSpec(c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.RmsNormEps, c.RopeTheta, c.TieWordEmbeddings);
        var expected = NaiveTransformer.Llama(TinyModels.Weights(model), Ids, spec);
        var input = tensor(Ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        // When
        Tensor fp32, bf16;
        using (no_grad())
        {
            fp32 = model.Forward(input);
            using (Autocast.Bf16()) bf16 = model.Forward(input);
        }
        // Then both are fp32 tensors; fp32 matches to fp32 rounding, bf16 to a few u, and bf16 did change the numbers
        Assert.Equal(ScalarType.Float32, bf16.dtype);
        double e32 = RelativeError(ToArray(fp32), expected), e16 = RelativeError(ToArray(bf16), expected);
        output.WriteLine($"relative error against float64: fp32 {e32:E2}, bf16 {e16:E2} (= {e16 / U:F2} u)");
        Assert.True(e32 < 1e-5, $"fp32: {e32:E2}");
        Assert.True(e16 < 26 * U, $"bf16: {e16:E2} = {e16 / U:F2} u");
        Assert.True(e16 > 10 * e32, $"bf16 {e16:E2} is no worse than fp32 {e32:E2}: the products did not run in bf16");
    }

    [Theory]
    [InlineData("ft")]
    [InlineData("mft")]
    public void Should_give_fp32_gradients_within_bf16_rounding_with_fp32_weights_and_gradients(string method)
    {
        // Given a student, a frozen teacher and one batch
        using var scope = NewDisposeScope();
        using var student = TinyModels.Random(TinyModels.LlamaJson(tied: true));
        var objective = TrainingMethod.Of(method).Create(0.2, 1.0, true);
        var input = tensor(Ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        var labels = tensor(Ids.Skip(1).Append(4).Select(i => (long)i).ToArray()).unsqueeze(0);
        var mask = ones(1, Ids.Length);
        Dictionary<string, Tensor> Gradients(bool bf16, out double loss) =>
            Mft.Tests.Training.ChunkedGradients.Of(student, objective, input, labels, mask, 5, bf16, autograd: false, out loss);
        // When
        var g32 = Gradients(false, out double loss32);
        var g16 = Gradients(true, out double loss16);
        // Then the loss moves by a few u, every gradient stays fp32 and within a few u of its norm (cosine near 1)
        output.WriteLine($"{method}: loss fp32 {loss32:F6}, bf16 {loss16:F6} (relative {Math.Abs(loss16 - loss32) / loss32:E2})");
        Assert.True(Math.Abs(loss16 - loss32) <= 4 * U * Math.Abs(loss32), $"loss {loss16} against {loss32}");
        foreach (var (name, a) in g32)
        {
            var b = g16[name];
            Assert.Equal(ScalarType.Float32, b.dtype);
            double rel = ((b - a).norm().item<float>()) / Math.Max(1e-12, a.norm().item<float>());
            output.WriteLine($"  {name}: relative gradient difference {rel:E2} = {rel / U:F1} u");
            Assert.True(rel < 52 * U, $"{name}: relative gradient difference {rel:E2} = {rel / U:F1} u");
        }
        Assert.True(student.parameters().All(p => p.dtype == ScalarType.Float32), "master weights stay fp32");
    }

    [Fact]
    public void Should_keep_softmax_and_reductions_of_the_loss_in_fp32_and_this_check_catches_bf16_ones()
    {
        // Given bf16 logits of a real size (512 positions by 4096 tokens): the loss is a sum of 512 log-softmaxes over 4096
        using var scope = NewDisposeScope();
        manual_seed(3);
        const int n = 512, v = 4096, c = 64;
        var hidden = randn(n, c);
        var head = randn(v, c) * 0.3;
        var teacherHead = head + randn(v, c) * 0.05;
        var labels = randint(0, v, [n], dtype: ScalarType.Int64);
        var mask = ones(n);
        var objective = TrainingMethod.Of("mft").Create(0.2, 1.0, true);
        Tensor logits, teacherLogits;
        using (Autocast.Bf16())
        {
            logits = Autocast.Linear(hidden, head, null);                                  // (n, V): a bf16 product, fp32 result
            teacherLogits = Autocast.Linear(hidden, teacherHead, null);
        }
        Assert.Equal(ScalarType.Float32, logits.dtype);
        // The reference: the same objective in float64 on the very logits the bf16 products gave
        double reference = objective.LossSum(logits.to_type(ScalarType.Float64), teacherLogits.to_type(ScalarType.Float64), labels, mask.to_type(ScalarType.Float64)).item<double>();
        // When Mft's loss (closed form, as training computes it) runs on them
        double mft = ((IClosedFormGradient)objective).LossSumAndGradient(logits, teacherLogits, labels, mask, 1.0, null, out _).item<float>();
        // and, for contrast, the same loss with its softmax and sums in bf16 (what Mft must not do)
        double bf16Reductions = objective.LossSum(logits.to(ScalarType.BFloat16), teacherLogits.to(ScalarType.BFloat16), labels, mask.to(ScalarType.BFloat16)).to_type(ScalarType.Float64).item<double>();
        // Then Mft's loss agrees with float64 to fp32 rounding; the bf16-reduction loss does not pass the same check
        static bool Fp32Close(double x, double reference) => Math.Abs(x - reference) <= 1e-5 * Math.Abs(reference);
        output.WriteLine($"loss float64 {reference:F4}, Mft {mft:F4}, with bf16 softmax and sums {bf16Reductions:F4}");
        Assert.True(Fp32Close(mft, reference), $"Mft's loss {mft} against float64 {reference}");
        Assert.False(Fp32Close(bf16Reductions, reference), $"the check would not catch bf16 reductions: {bf16Reductions} against {reference}");
    }

    [Fact]
    public void Should_use_a_bf16_weight_in_fp32_outside_a_region_and_cast_each_fp32_weight_once_inside()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = randn(4, 8);
        var w = randn(6, 8);
        var w16 = w.to(ScalarType.BFloat16);
        // Outside: a bf16 weight is widened, the product is fp32
        var outside = Autocast.Linear(x, w16, null);
        Assert.Equal(ScalarType.Float32, outside.dtype);
        Assert.True(outside.allclose(nn.functional.linear(x, w16.to(ScalarType.Float32)), 1e-6, 1e-6));
        // Inside: the bf16-stored weight and the fp32 weight cast by the region give the same products
        using (Autocast.Bf16())
        {
            var a = Autocast.Linear(x, w, null);
            var b = Autocast.Linear(x, w16, null);
            Assert.Equal(0f, (a - b).abs().max().item<float>());
            Assert.True(Autocast.IsEnabled);
        }
        Assert.False(Autocast.IsEnabled);
    }

    [Fact]
    public void Should_join_linear_layers_into_one_bf16_product_with_their_separate_results_and_float64_gradients()
    {
        // Given q, k and v projections with biases (out 16, 8, 8) over one input, and the float64 products
        using var scope = NewDisposeScope();
        manual_seed(9);
        var layers = new[] { new AdaptableLinear(32, 16, true), new AdaptableLinear(32, 8, true), new AdaptableLinear(32, 8, true) };
        using (no_grad()) foreach (var l in layers) l.Bias!.normal_(0, 0.1);
        var x = randn(2, 5, 32).requires_grad_(true);
        var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
        var w64 = layers.Select(l => l.Weight.detach().to(ScalarType.Float64).requires_grad_(true)).ToArray();
        var expected = layers.Select((l, i) => nn.functional.linear(x64, w64[i], l.Bias!.detach().to(ScalarType.Float64))).ToArray();
        expected.Aggregate((a, b) => a.sum() + b.sum()).sum().backward();
        // Outside a region: each layer as it is alone, exactly
        var outside = Autocast.Linears(x, layers);
        for (int i = 0; i < 3; i++) Assert.True(outside[i].equal(layers[i].forward(x)).all().item<bool>());
        // Inside: one product; each result fp32 and equal to its own bf16 product up to the bf16 output's rounding (u)
        Tensor[] joined, separate;
        using (Autocast.Bf16())
        {
            joined = Autocast.Linears(x, layers);
            separate = layers.Select(l => Autocast.Linear(x, l.Weight, l.Bias)).ToArray();
            joined.Aggregate((a, b) => a.sum() + b.sum()).sum().backward();
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ScalarType.Float32, joined[i].dtype);
            Assert.Equal(separate[i].shape, joined[i].shape);
            double diff = (joined[i] - separate[i]).abs().max().item<float>(), scale = separate[i].abs().max().item<float>();
            Assert.True(diff <= 2 * U * scale, $"layer {i}: joined differs from its own product by {diff:E2} of {scale:E2}");
        }
        // and the gradients reach x and every layer's fp32 weight and bias, within a few u of float64
        double Rel(Tensor a, Tensor e) => (a.to(ScalarType.Float64) - e).norm().item<double>() / e.norm().item<double>();
        double gx = Rel(x.grad!, x64.grad!);
        output.WriteLine($"joined q/k/v: x gradient {gx / U:F2} u from float64");
        Assert.True(gx < 4 * U, $"x gradient {gx / U:F2} u");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ScalarType.Float32, layers[i].Weight.grad!.dtype);
            Assert.True(Rel(layers[i].Weight.grad!, w64[i].grad!) < 4 * U, $"layer {i} weight gradient");
            Assert.Equal(10.0, layers[i].Bias!.grad!.mean().item<float>(), 3);   // d(sum)/d(bias) = 2·5 positions
        }
    }

    [Fact]
    public void Should_run_joined_layers_one_by_one_when_one_has_an_adapter_switched_on()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var layers = new[] { new AdaptableLinear(16, 8, false), new AdaptableLinear(16, 8, false) };
        layers[1].Attach(new Mft.Adapters.LoraAdapter(16, 8, 2, 4, 0));
        using (no_grad()) ((Mft.Adapters.LoraAdapter)layers[1].Adapter!).B.normal_(0, 1);
        var x = randn(3, 16);
        using (no_grad())
        using (Autocast.Bf16())
        {
            var joined = Autocast.Linears(x, layers);
            for (int i = 0; i < 2; i++) Assert.True(joined[i].equal(layers[i].forward(x)).all().item<bool>(), $"layer {i}");
        }
    }
}
