using Mft.Objectives;
using static TorchSharp.torch;

namespace Mft.Tests.Objectives;

/// <summary>The closed-form logit gradients against autograd of the same objectives' loss (itself checked against naive loops).</summary>
public sealed class ClosedFormGradientTests
{
    public static TheoryData<string, double, double, bool> Cases => new()
    {
        { "ft", 0, 1, true },
        { "mft", 0.2, 1, true },
        { "mft", 0.05, 1, false },
        { "mft", 0.5, 2, true },
        { "mft", 1.0, 1, true },
        { "kd", 0, 1, true },
        { "kd", 0, 3, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_equal_autograd_of_the_loss(string method, double tau, double temperature, bool correctAll)
    {
        // Given peaked and flat teacher rows, labels both at and away from the teacher's argmax, and a mask
        manual_seed(11);
        const int n = 24, v = 37;
        var student = (randn(n, v, ScalarType.Float64) * 2).requires_grad_(true);
        var teacher = randn(n, v, ScalarType.Float64) * tensor(Enumerable.Range(0, n).Select(i => 0.3 + i % 4).ToArray(), ScalarType.Float64).unsqueeze(1);
        var labels = randint(0, v, [n], dtype: ScalarType.Int64);
        labels[0] = teacher[0].argmax(); labels[1] = teacher[1].argmax();
        var mask = tensor(Enumerable.Range(0, n).Select(i => i % 5 == 3 ? 0.0 : 1.0).ToArray(), ScalarType.Float64);
        var objective = TrainingMethod.Of(method).Create(tau, temperature, correctAll);
        const double scale = 0.37;
        // When
        var reference = objective.LossSum(student, objective.NeedsTeacher ? teacher : null, labels, mask);
        (reference * scale).backward();
        Tensor gradient, loss;
        using (no_grad()) loss = ((IClosedFormGradient)objective).LossSumAndGradient(student.detach(), objective.NeedsTeacher ? teacher : null, labels, mask, scale, null, out gradient);
        // Then
        Assert.Equal(reference.item<double>(), loss.item<double>(), 9);
        var diff = (gradient - student.grad!).abs().max().item<double>();
        Assert.True(diff < 1e-10, $"{method} tau {tau} T {temperature}: max gradient difference {diff}");
        Assert.True(gradient[3].abs().sum().item<double>() == 0, "masked rows get no gradient");
    }
}
