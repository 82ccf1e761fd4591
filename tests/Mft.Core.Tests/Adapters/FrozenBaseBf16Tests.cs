using Mft.Adapters;
using Mft.Data;
using Mft.Evaluation;
using Mft.Tests.Packaging;
using Xunit.Abstractions;
using Mft.Models;
using Mft.Models.Layers;
using Mft.Runtime;
using Mft.Teachers;
using Mft.Training;
using static TorchSharp.torch;

namespace Mft.Tests.Adapters;

/// <summary>
/// Under bf16 the frozen base beneath LoRA, DoRA and IA3 is kept in bf16 (<see cref="ModelAdapters.Attach"/> with
/// <see cref="Precision.Bf16"/>): half the memory of its linear weights, and no other change to what bf16 training
/// computes, because the bf16 products would have cast those weights anyway.
/// </summary>
public sealed class FrozenBaseBf16Tests(ITestOutputHelper output)
{
    public static TheoryData<string> Kinds => new() { "lora", "dora", "ia3" };

    private static readonly string Json = TinyModels.LlamaJson(attentionBias: true);

    private static AdapterConfig Config(string kind) => new() { Kind = AdapterConfig.ParseKind(kind), Rank = 4, Alpha = 8 };

    private static List<TokenSequence> Rows()
    {
        var rng = new Random(5);
        return Enumerable.Range(0, 8).Select(_ => new TokenSequence(Enumerable.Range(0, 13).Select(_ => rng.Next(61)).ToArray(),
            [0, .. Enumerable.Range(0, 12).Select(_ => 1)])).ToList();
    }

    /// <summary>Trains the adapters of a fresh tiny model for 4 bf16 MFT steps (teacher: adapters off); the base stored in <paramref name="storage"/>.</summary>
    private static (Dictionary<string, float[]> Adapters, long BaseBytes, List<double> Losses) Train(string kind, Precision storage)
    {
        using var scope = NewDisposeScope();
        using var student = TinyModels.Random(Json);
        ModelAdapters.Attach(student, Config(kind), seed: 2, precision: storage);
        long baseBytes = student.named_parameters().Where(p => !ModelAdapters.IsAdapterParameter(p.name)).Sum(p => p.parameter.NumberOfElements * p.parameter.ElementSize);
        var config = new TrainerConfig
        {
            Method = "mft", Tau = 0.2, MaxSteps = 4, BatchSize = 4, ContextLength = 12, LearningRate = 1e-2, WarmupSteps = 0, Precision = Precision.Bf16,
        };
        var trainer = new Trainer(config, student, new AdaptersOffTeacher(student), Rows(), null, new Mft.Jobs.RunFolderRecord(TempDir.Create("frozen-bf16")), "test");
        var losses = new List<double>();
        trainer.StepCompleted += m => losses.Add(m.Loss);
        trainer.Run();
        var adapters = student.named_parameters().Where(p => ModelAdapters.IsAdapterParameter(p.name))
            .ToDictionary(p => p.name, p => p.parameter.to(ScalarType.Float32).data<float>().ToArray());
        return (adapters, baseBytes, losses);
    }

    [Theory]
    [InlineData("lora")]
    [InlineData("ia3")]
    public void Should_train_bit_for_bit_as_with_an_fp32_base_in_half_its_linear_memory(string kind)
    {
        // Given bf16 training of the same adapters over a base kept in fp32 and over the same base kept in bf16
        var (fp32Base, fp32Bytes, _) = Train(kind, Precision.Fp32);
        var (bf16Base, bf16Bytes, _) = Train(kind, Precision.Bf16);
        // Then every adapter parameter is identical: each bf16 product already multiplied the weight's bf16 rounding
        Assert.Equal(fp32Base.Keys.Order(), bf16Base.Keys.Order());
        foreach (var (name, w) in fp32Base) Assert.True(w.SequenceEqual(bf16Base[name]), $"{kind}: {name} differs");
        Assert.True(fp32Base.Values.Any(w => w.Any(v => v != 0 && v != 1)), "the adapters must have trained");
        // And the base holds its linear weights in 2 bytes instead of 4 (embeddings and norms stay fp32)
        using var model = TinyModels.Random(Json);
        long linear = model.ProductLayers().SelectMany(l => l.Layer.parameters()).Sum(p => p.NumberOfElements);
        Assert.Equal(fp32Bytes - 2 * linear, bf16Bytes);
    }

    [Fact]
    public void Should_train_dora_to_the_losses_of_an_fp32_base_within_bf16_rounding()
    {
        // Given bf16 DoRA training over both bases. DoRA's row norms read the stored weights (in fp32), so there the two
        // differ by bf16's rounding of W (u = 2^-9 per weight, far less in a row norm); AdamW's steps of about lr
        // amplify near-zero gradients' differences, so the losses are compared, not the weights
        var (_, _, fp32Losses) = Train("dora", Precision.Fp32);
        var (_, _, bf16Losses) = Train("dora", Precision.Bf16);
        Assert.Equal(4, fp32Losses.Count);
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(bf16Losses[i] - fp32Losses[i]) <= 1e-3 * fp32Losses[i], $"step {i + 1}: {bf16Losses[i]:F6} against {fp32Losses[i]:F6}");
        Assert.True(fp32Losses[3] < fp32Losses[0], "the adapters must have trained");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_leave_the_bf16_base_unchanged_when_adapters_are_fresh(string kind)
    {
        // Given the base with its linear weights rounded to bf16, and the same base under fresh adapters
        using var ids = tensor(new long[,] { { 1, 5, 9, 33, 2, 17, 40 }, { 3, 3, 60, 12, 8, 0, 21 } });
        using var model = TinyModels.Random(Json);
        model.KeepProductWeightsInBf16();
        model.eval();
        using var baseLogits = model.Forward(ids).detach();
        using var adaptedModel = TinyModels.Random(Json);
        ModelAdapters.Attach(adaptedModel, Config(kind), precision: Precision.Bf16);
        adaptedModel.eval();
        // Then the logits are identical, in fp32 and in a bf16 region (DoRA's magnitudes start at the bf16 rows' norms)
        using (var adapted = adaptedModel.Forward(ids).detach())
            Assert.True(adapted.equal(baseLogits).all().item<bool>(), $"{kind}: max diff {(adapted - baseLogits).abs().max().item<float>()}");
        // (in a bf16 region DoRA adds the bias after the bf16 product's rounding, the plain layer inside it: within 1 ulp)
        using (Autocast.Bf16())
        using (var a = adaptedModel.Forward(ids).detach())
        using (var b = model.Forward(ids).detach())
        {
            double diff = (a - b).abs().max().item<float>(), tolerance = kind == "dora" ? Math.Pow(2, -7) * b.abs().max().item<float>() : 0;
            Assert.True(diff <= tolerance, $"{kind} in bf16: max diff {diff}");
        }
        Assert.All(adaptedModel.named_parameters().Where(p => ModelAdapters.IsAdapterParameter(p.name)), p => Assert.Equal(ScalarType.Float32, p.parameter.dtype));
    }

    [Fact]
    public void Should_fingerprint_a_bf16_base_as_the_fp32_base_it_came_from_for_a_bf16_teacher_cache()
    {
        // Given the same weights kept in fp32 and in bf16
        var rows = Rows();
        using var fp32 = TinyModels.Random(Json);
        using var bf16 = TinyModels.Random(Json);
        bf16.KeepProductWeightsInBf16();
        string Print(CausalLM m, Precision p) => TeacherCache.ComputeFingerprint(m, "tokenizer", rows, 0, p);
        // Then a bf16 teacher pass over either sees the same weights, and has the same fingerprint
        Assert.Equal(Print(fp32, Precision.Bf16), Print(bf16, Precision.Bf16));
        // And an fp32 pass does not: the bf16 base lost the weights' low bits, and fp32 products would see that
        Assert.NotEqual(Print(fp32, Precision.Fp32), Print(bf16, Precision.Fp32));
        // And a bf16 pass over other weights does not match either
        using (no_grad()) fp32.ProductLayers().First().Layer.parameters().First().add_(1e-2);
        Assert.NotEqual(Print(fp32, Precision.Bf16), Print(bf16, Precision.Bf16));
    }

    [Fact]
    public void Should_move_the_embedded_models_fp32_perplexity_by_less_than_a_thousandth_when_its_base_is_kept_in_bf16()
    {
        // A sweep measures its base perplexities once, on the fp32 base; an adapter run in bf16 is evaluated (in fp32) over
        // the base kept in bf16. The offset this puts into its D: the embedded model's general test perplexity over both
        using var pretrained = PretrainedModel.Open(Path.Combine(Repository.Root, "models", "base"));
        var samples = SampleReader.Read(Path.Combine(Repository.Root, "data", "general", "test.txt")).Take(40).ToList();
        var windows = Perplexity.WindowsOf(pretrained.Tokenizer, samples, 128);
        pretrained.Model.eval();
        double fp32 = Perplexity.Evaluate(pretrained.Model, windows, 16).Perplexity;
        pretrained.Model.KeepProductWeightsInBf16();
        double rounded = Perplexity.Evaluate(pretrained.Model, windows, 16).Perplexity;
        output.WriteLine($"general perplexity, 40 documents at context 128: fp32 base {fp32:F4}, base in bf16 {rounded:F4}, relative {(rounded - fp32) / fp32:E2}");
        // Then the offset is below 0.1% (a D budget is 2% or more), and not zero (the weights were rounded)
        Assert.True(Math.Abs(rounded - fp32) <= 1e-3 * fp32, $"fp32 {fp32} against bf16 base {rounded}");
        Assert.NotEqual(fp32, rounded);
    }
}
