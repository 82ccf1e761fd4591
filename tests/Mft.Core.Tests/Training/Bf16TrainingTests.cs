using Mft.Checkpoints;
using Mft.Jobs;
using Mft.Models.Layers;
using Mft.Runs;
using Mft.Runtime;
using Mft.Teachers;
using Mft.Tests.Packaging;
using Mft.Training;
using Xunit.Abstractions;

namespace Mft.Tests.Training;

/// <summary>
/// Training in bf16 (<see cref="TrainerConfig.Precision"/>): it follows fp32 training on the embedded model, resumes
/// bit for bit, records its precision, and keeps its teacher cache apart from fp32's.
/// </summary>
public sealed class Bf16TrainingTests(ITestOutputHelper output)
{
    private static FinetuneJobConfig Job(string model, string data, Precision precision, int steps, bool exact = false, string? cache = null,
        int samples = 40, int context = 32, string? outDir = null) => new()
    {
        ModelDirectory = model, DataPath = data, OutputDirectory = outDir ?? Path.Combine(TempDir.Create("bf16-run"), "run"),
        TeacherCachePath = cache, MaxSamples = samples, Threads = 1, DomainTestMaxSamples = 20,
        Trainer = new TrainerConfig
        {
            Method = "mft", Tau = 0.2, MaxSteps = steps, BatchSize = 4, ContextLength = context, Seed = 3, LearningRate = 1e-3,
            WarmupSteps = 2, Evaluations = 1, TeacherCacheExact = exact, Precision = precision,
        },
    };

    [Fact]
    public void Should_reach_the_fp32_losses_within_two_percent_over_30_mft_steps_on_the_embedded_model()
    {
        // Given 30 MFT steps on the embedded model (4096 tokens, 6 layers) and the Bible domain, in fp32 and in bf16
        string model = Path.Combine(Repository.Root, "models", "base"), data = Path.Combine(Repository.Root, "data", "domains", "bible", "train.txt");
        var losses = new Dictionary<Precision, List<double>>();
        var results = new Dictionary<Precision, FinetuneResult>();
        foreach (var precision in new[] { Precision.Fp32, Precision.Bf16 })
        {
            var job = new FinetuneJob(Job(model, data, precision, 30, samples: 80, context: 64));
            var steps = losses[precision] = [];
            job.StepCompleted += (m, _) => steps.Add(m.Loss);
            results[precision] = job.Run();
        }
        // Then every step's loss is within 2% of fp32's (bf16 moves the logits by a few u = 2^-9 of their scale, and
        // 30 steps of AdamW at lr 1e-3 do not let it drift further), and so is the tuned model's domain perplexity
        double worst = 0;
        for (int i = 0; i < 30; i++)
        {
            double rel = Math.Abs(losses[Precision.Bf16][i] - losses[Precision.Fp32][i]) / losses[Precision.Fp32][i];
            worst = Math.Max(worst, rel);
            Assert.True(rel <= 0.02, $"step {i + 1}: bf16 loss {losses[Precision.Bf16][i]:F5} against fp32 {losses[Precision.Fp32][i]:F5}");
        }
        double p32 = results[Precision.Fp32].Final.Report.Domain, p16 = results[Precision.Bf16].Final.Report.Domain;
        output.WriteLine($"loss step 1: fp32 {losses[Precision.Fp32][0]:F5}, bf16 {losses[Precision.Bf16][0]:F5}; step 30: fp32 {losses[Precision.Fp32][29]:F5}, " +
                         $"bf16 {losses[Precision.Bf16][29]:F5}; worst step {worst:P2}; domain ppl fp32 {p32:F3}, bf16 {p16:F3}");
        Assert.True(losses[Precision.Fp32][29] < 0.9 * losses[Precision.Fp32][0], "the run must learn, or the comparison says nothing");
        Assert.True(Math.Abs(p16 - p32) <= 0.02 * p32, $"domain perplexity bf16 {p16} against fp32 {p32}");
        Assert.NotEqual(losses[Precision.Fp32][0], losses[Precision.Bf16][0]);   // bf16 did run
        Assert.Equal("bf16", RunSummary.Read(new RunLayout(Path.GetDirectoryName(results[Precision.Bf16].ModelDirectory)!).Report).Precision);
        Assert.Equal("fp32", RunSummary.Read(new RunLayout(Path.GetDirectoryName(results[Precision.Fp32].ModelDirectory)!).Report).Precision);
    }

    [Fact]
    public void Should_end_with_the_same_weights_bit_for_bit_when_stopped_and_resumed_in_bf16()
    {
        // Given the same bf16 job run straight through, and stopped after 7 steps and resumed
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var straight = Job(model, data, Precision.Bf16, 12);
        new FinetuneJob(straight).Run();
        var resumedDir = Path.Combine(TempDir.Create("bf16-resumed"), "out");
        using var cts = new CancellationTokenSource();
        var job = new FinetuneJob(Job(model, data, Precision.Bf16, 12, outDir: resumedDir));
        job.StepCompleted += (m, _) => { if (m.Step == 7) cts.Cancel(); };
        Assert.Throws<OperationCanceledException>(() => job.Run(cts.Token));
        // When
        new FinetuneJob(Job(model, data, Precision.Bf16, 12, outDir: resumedDir) with { Resume = true }).Run();
        // Then
        using var a = new SafetensorsReader(Path.Combine(straight.OutputDirectory, "model", CheckpointFiles.SingleFile));
        using var b = new SafetensorsReader(Path.Combine(resumedDir, "model", CheckpointFiles.SingleFile));
        foreach (var name in a.Tensors.Keys)
            Assert.True(a.Load(name).bytes.SequenceEqual(b.Load(name).bytes), $"{name} differs");
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, a.Load(a.Tensors.Keys.First()).dtype);   // the saved weights are the fp32 masters
    }

    [Fact]
    public void Should_train_with_a_bf16_exact_cache_as_with_the_online_teacher_and_refuse_a_cache_of_the_other_precision()
    {
        // Given bf16 runs with the online teacher (a bf16 copy) and with the exact cache (bf16 states and head)
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var cache = Path.Combine(TempDir.Create("bf16-cache"), ExactTeacherCache.FileName);
        var online = new FinetuneJob(Job(model, data, Precision.Bf16, 20)).Run();
        var cached = new FinetuneJob(Job(model, data, Precision.Bf16, 20, exact: true, cache: cache)).Run();
        // Then the weights agree to 1e-5 of their scale: a bf16 state is exactly the cast the bf16 head product makes
        using (var a = new SafetensorsReader(Path.Combine(online.ModelDirectory, CheckpointFiles.SingleFile)))
        using (var b = new SafetensorsReader(Path.Combine(cached.ModelDirectory, CheckpointFiles.SingleFile)))
        {
            double worst = 0, scale = 0;
            foreach (var name in a.Tensors.Keys)
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                var x = a.Load(name).to_type(TorchSharp.torch.ScalarType.Float64);
                worst = Math.Max(worst, (x - b.Load(name).to_type(TorchSharp.torch.ScalarType.Float64)).abs().max().item<double>());
                scale = Math.Max(scale, x.abs().max().item<double>());
            }
            output.WriteLine($"bf16 online against bf16 exact cache: max relative weight difference {worst / scale:E2}");
            Assert.True(worst <= 1e-5 * scale, $"weights differ by {worst / scale:E2} of their scale");
        }
        using (var reader = new SafetensorsReader(cache))
        {
            Assert.Equal("bf16", reader.Metadata["precision"]);
            Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, reader.Load("hidden").dtype);
        }
        // And an fp32 run given that cache is refused, naming the file and the key
        var e = Assert.Throws<MftException>(() => new FinetuneJob(Job(model, data, Precision.Fp32, 20, exact: true, cache: cache)).Run());
        Assert.Contains(cache, e.Message);
        Assert.Contains("computed in bf16, this run's precision is fp32 (key precision)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // And a bf16 cache of an earlier bf16 arithmetic (written before the key autocast) is refused as stale, naming the key
        using (var reader = new SafetensorsReader(cache)) Assert.Equal(Autocast.Arithmetic, reader.Metadata["autocast"]);
        RewriteWithoutKey(cache, "autocast");
        var stale = Assert.Throws<MftException>(() => new FinetuneJob(Job(model, data, Precision.Bf16, 20, exact: true, cache: cache)).Run());
        Assert.Contains(cache, stale.Message);
        Assert.Contains($"computed by bf16 arithmetic 1 (key autocast), this build's is {Autocast.Arithmetic}", stale.Message);
    }

    /// <summary>Writes <paramref name="path"/> again with its tensors and its metadata less <paramref name="key"/>.</summary>
    private static void RewriteWithoutKey(string path, string key)
    {
        Dictionary<string, string> metadata;
        List<(string, TorchSharp.torch.Tensor)> tensors;
        using (var reader = new SafetensorsReader(path))
        {
            metadata = reader.Metadata.Where(kv => kv.Key != key).ToDictionary();
            tensors = reader.Tensors.Keys.Select(name => (name, reader.Load(name))).ToList();
        }
        SafetensorsWriter.Write(path, tensors, metadata);
        foreach (var (_, t) in tensors) t.Dispose();
    }
}
