using Mft.Generation;
using Mft.Jobs;
using Mft.Models.Layers;
using Mft.Runtime;
using Mft.Tests.Packaging;

namespace Mft.Tests.Jobs;

/// <summary>
/// <c>precision</c> on the commands that only run a model (<see cref="ComputeOptions.Precision"/>): perplexity and
/// evaluate in bf16 stay close to fp32 without equalling it, auto says what it chose, and a bad value names its key.
/// </summary>
/// <remarks>
/// The tolerance: bf16 keeps 8 significant bits, a unit roundoff u = 2^-9 ≈ 0.002 on each operand of each product. Each
/// logit moves by a few u of its scale, and a token's NLL (a log-softmax) by about as much; those roundings have both
/// signs and average over the scored tokens, so the mean NLL moves far less than one token's. 1% on the perplexity is
/// 0.01 nats on the mean NLL, about 5u: what a systematic bias on every token would take, and twenty times more than is
/// measured (79.790 fp32 against 79.801 bf16 on the embedded model, 1.4e-4).
/// </remarks>
public sealed class InferencePrecisionTests
{
    private const double Relative = 0.01;

    private static PerplexityJobConfig Perplexity(Precision precision) => new()
    {
        ModelDirectory = Path.Combine(Repository.Root, "models", "base"), DataPath = Path.Combine(Repository.Root, "data", "general", "test.txt"),
        ContextLength = 64, MaxDocuments = 6, BatchSize = 4, Compute = new ComputeOptions { Threads = 1, Precision = precision },
    };

    [Fact]
    public void Should_measure_the_embedded_models_perplexity_in_bf16_within_one_percent_of_fp32_and_not_equal_to_it()
    {
        // Given the embedded model's perplexity over six general documents in fp32
        var (fp32, documents) = PerplexityJob.Run(Perplexity(Precision.Fp32));
        // When it is measured in bf16
        var said = new List<string>();
        var (bf16, _) = PerplexityJob.Run(Perplexity(Precision.Bf16), said.Add);
        // Then the same tokens are scored, the perplexity moves by less than bf16's rounding allows, and it moves
        Assert.Equal(6, documents);
        Assert.Equal(fp32.Tokens, bf16.Tokens);
        Assert.True(Math.Abs(bf16.Perplexity - fp32.Perplexity) < Relative * fp32.Perplexity, $"bf16 {bf16.Perplexity} against fp32 {fp32.Perplexity}");
        Assert.NotEqual(fp32.TotalNll, bf16.TotalNll);
        // and the region is closed after the job
        Assert.False(Autocast.IsEnabled);
        // and bf16 is silent where the CPU has it, and warns where it does not
        Assert.Equal(PrecisionChoice.NativeBf16Flag is null ? 1 : 0, said.Count(l => l.StartsWith("warning: precision bf16", StringComparison.Ordinal)));
    }

    [Fact]
    public void Should_say_what_auto_chose_and_measure_in_it()
    {
        var said = new List<string>();
        var (auto, _) = PerplexityJob.Run(Perplexity(Precision.Auto) with { MaxDocuments = 2 }, said.Add);
        var chosen = PrecisionChoice.NativeBf16Flag is null ? Precision.Fp32 : Precision.Bf16;
        var (expected, _) = PerplexityJob.Run(Perplexity(chosen) with { MaxDocuments = 2 });
        Assert.Equal([$"precision auto: {EnumOption.Name(chosen)}"], said.Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]));
        Assert.Equal(expected.TotalNll, auto.TotalNll);
    }

    [Fact]
    public void Should_evaluate_both_models_in_bf16_within_one_percent_of_fp32()
    {
        // Given two tiny random models and domain and general samples
        var (baseDir, tunedDir, domain, general) = EvaluateJobTests.TwoTinyModels();
        // When evaluated in fp32 and in bf16
        var fp32 = EvaluateJob.Run(baseDir, tunedDir, domain, general, context: 32, batchSize: 4);
        var bf16 = EvaluateJob.Run(baseDir, tunedDir, domain, general, context: 32, batchSize: 4, bf16: true);
        // Then each perplexity is within bf16's tolerance of fp32's, and not equal to it
        foreach (var (a, b) in new[] { (fp32.DomainBase, bf16.DomainBase), (fp32.Domain, bf16.Domain), (fp32.GeneralBase!.Value, bf16.GeneralBase!.Value), (fp32.General!.Value, bf16.General!.Value) })
        {
            Assert.True(Math.Abs(b - a) < Relative * a, $"bf16 {b} against fp32 {a}");
            Assert.NotEqual(a, b);
        }
    }

    [Fact]
    public void Should_refuse_a_precision_that_is_not_one_naming_the_key()
    {
        var config = Perplexity((Precision)7);
        var e = Assert.Throws<OptionException>(config.Validate);
        Assert.Equal("precision", e.Key);
        Assert.Equal("7 is not a precision", e.Problem);
    }

    [Fact]
    public void Should_generate_in_bf16_and_close_the_region_after()
    {
        // Given the embedded model, greedy decoding of a short prompt
        GenerateJobConfig Config(Precision p) => new()
        {
            ModelDirectory = Path.Combine(Repository.Root, "models", "base"), Prompt = "The river",
            Sampling = new GenerationOptions { MaxNewTokens = 8, Temperature = 0, StopAtEos = false }, Compute = new ComputeOptions { Threads = 1, Precision = p },
        };
        // When it runs in bf16
        var bf16 = GenerateJob.Run(Config(Precision.Bf16));
        // Then it produces the tokens asked for, and the region is closed after it
        Assert.Equal(8, bf16.Generated.Count);
        Assert.False(Autocast.IsEnabled);
    }
}
