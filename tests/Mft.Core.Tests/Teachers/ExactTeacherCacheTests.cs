using Mft.Adapters;
using Mft.Checkpoints;
using Mft.Training;
using Xunit.Abstractions;
using Mft.Jobs;
using Mft.Teachers;
using static TorchSharp.torch;

namespace Mft.Tests.Teachers;

/// <summary>
/// The exact teacher cache (hidden states, projected through the starting head) trains what the online teacher
/// trains: the same weights after 20 steps, for full finetuning and for LoRA; one cache serves runs that differ only
/// in tau or seed; a cache for other rows is refused.
/// </summary>
public sealed class ExactTeacherCacheTests(ITestOutputHelper output)
{
    private static FinetuneJobConfig Job(string model, string data, bool exact, string? cache = null, AdapterConfig? adapter = null,
        double tau = 0.2, int context = 32) => new()
    {
        ModelDirectory = model, DataPath = data, OutputDirectory = Path.Combine(TempDir.Create("exact-run"), "run"),
        TeacherCachePath = cache, MaxSamples = 40, Threads = 1, Adapter = adapter,
        Trainer = new TrainerConfig
        {
            Method = "mft", Tau = tau, MaxSteps = 20, BatchSize = 4, ContextLength = context, Seed = 3, LearningRate = adapter is null ? 3e-3 : 1e-2,
            WarmupSteps = 2, Evaluations = 1, TeacherCacheExact = exact,
        },
    };

    /// <summary>The largest |a - b| over all tensors, relative to the largest |a|.</summary>
    private static double RelativeDifference(string a, string b)
    {
        using var ra = new SafetensorsReader(a);
        using var rb = new SafetensorsReader(b);
        double worst = 0, scale = 0;
        foreach (var name in ra.Tensors.Keys)
        {
            using var scope = NewDisposeScope();
            var x = ra.Load(name).to_type(ScalarType.Float64);
            var y = rb.Load(name).to_type(ScalarType.Float64);
            worst = Math.Max(worst, (x - y).abs().max().item<double>());
            scale = Math.Max(scale, x.abs().max().item<double>());
        }
        return worst / scale;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_train_the_weights_the_online_teacher_trains(bool lora)
    {
        // Given the same MFT run with the teacher online and with the exact cache
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var adapter = lora ? new AdapterConfig { Kind = AdapterKind.Lora, Rank = 4, Alpha = 8 } : null;
        var online = new FinetuneJob(Job(model, data, exact: false, adapter: adapter)).Run();
        var cached = new FinetuneJob(Job(model, data, exact: true, adapter: adapter)).Run();

        // Then the trained weights agree to 1e-5 of their scale after 20 steps, and the cache did replace the teacher
        string file = lora ? "adapter_model.safetensors" : CheckpointFiles.SingleFile;
        double difference = RelativeDifference(Path.Combine(online.ModelDirectory, file), Path.Combine(cached.ModelDirectory, file));
        output.WriteLine($"{(lora ? "lora" : "full")}: max relative weight difference after 20 steps {difference:E2}");
        Assert.True(difference <= 1e-5, $"weights differ by {difference:E2} of their scale");
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(cached.ModelDirectory)!, ExactTeacherCache.FileName)));
        Assert.Equal(online.Final.Report.Domain, cached.Final.Report.Domain, 4);
    }

    [Fact]
    public void Should_share_one_cache_across_taus_and_refuse_it_for_other_rows()
    {
        // Given a cache built by one run
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var cache = Path.Combine(TempDir.Create("exact-shared"), ExactTeacherCache.FileName);
        new FinetuneJob(Job(model, data, exact: true, cache: cache)).Run();
        var written = File.GetLastWriteTimeUtc(cache);
        var bytes = File.ReadAllBytes(cache);

        // When a run with another tau uses it, it is read, not rebuilt
        new FinetuneJob(Job(model, data, exact: true, cache: cache, tau: 0.5)).Run();
        Assert.Equal(written, File.GetLastWriteTimeUtc(cache));
        Assert.Equal(bytes, File.ReadAllBytes(cache));

        // And a run on other rows (another context length) is refused, naming the file
        var e = Assert.Throws<MftException>(() => new FinetuneJob(Job(model, data, exact: true, cache: cache, context: 24)).Run());
        Assert.Contains(cache, e.Message);
        Assert.Contains("stale", e.Message);
    }
}
