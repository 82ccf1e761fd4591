using Mft.Models.Layers;
using Mft.Runtime;

namespace Mft.Tests.Jobs;

/// <summary>
/// <c>mft pretrain --precision</c>: a tiny model pretrained in bf16 computes its steps in bf16 (its first loss moves, by
/// less than bf16's rounding allows), its model card says so, and auto says what it chose.
/// </summary>
/// <remarks>
/// The tolerance is <see cref="InferencePrecisionTests"/>' argument: the first step's loss is a mean NLL over the
/// batch's tokens from the same initial weights, and 1% of it (about 0.08 nats at a 4,096-token vocabulary) is far more
/// than the few units of bf16's roundoff (2^-9) that each logit moves by.
/// </remarks>
public sealed class PretrainPrecisionTests : IDisposable
{
    private readonly TinyPretraining _tiny = new();

    public void Dispose() => _tiny.Dispose();

    [Fact]
    public void Should_pretrain_in_bf16_within_bf16s_rounding_of_fp32_and_say_so_in_the_model_card()
    {
        // Given the same tiny pretraining in fp32 and in bf16
        var (fp32, _) = TinyPretraining.Run(_tiny.Config("fp32", Precision.Fp32));
        var (bf16, _) = TinyPretraining.Run(_tiny.Config("bf16", Precision.Bf16));
        // Then the first step's loss moves, by less than bf16's rounding allows
        Assert.NotEqual(fp32[0], bf16[0]);
        Assert.True(Math.Abs(bf16[0] - fp32[0]) < 0.01 * fp32[0], $"bf16 {bf16[0]} against fp32 {fp32[0]}");
        // and each model card names the arithmetic it was trained in, and the region is closed after the job
        Assert.Contains("seed 0, fp32 products |", File.ReadAllText(Path.Combine(_tiny.Out("fp32"), "README.md")));
        Assert.Contains("seed 0, bf16 products |", File.ReadAllText(Path.Combine(_tiny.Out("bf16"), "README.md")));
        Assert.False(Autocast.IsEnabled);
    }

    [Fact]
    public void Should_say_what_auto_chose_and_pretrain_in_it()
    {
        var chosen = PrecisionChoice.NativeBf16Flag is null ? Precision.Fp32 : Precision.Bf16;
        var (auto, said) = TinyPretraining.Run(_tiny.Config("auto", Precision.Auto));
        var (expected, _) = TinyPretraining.Run(_tiny.Config("chosen", chosen));
        Assert.Equal([$"precision auto: {EnumOption.Name(chosen)}"], said.Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]));
        Assert.Equal(expected, auto);
    }
}
