using Mft.Cluster;
using Mft.Training;
using Mft.Jobs;
using Mft.Teachers;

namespace Mft.Tests.Teachers;

public sealed class TeacherCacheShardTests
{
    private static FinetuneJobConfig Job(string model, string data, string cache, int topK = 8, bool exact = false) => new()
    {
        ModelDirectory = model, DataPath = data, OutputDirectory = Path.Combine(TempDir.Create("tc-run"), "run"), TeacherCachePath = cache,
        MaxSamples = 30, Threads = 1,
        Trainer = new TrainerConfig
        {
            Method = "mft", Tau = 0.2, MaxSteps = 2, BatchSize = 4, ContextLength = 32, Seed = 3, TeacherCacheTopK = exact ? 0 : topK,
            TeacherCacheExact = exact, Evaluations = 1,
        },
    };

    [Fact]
    public void Should_join_exact_cache_shards_into_the_cache_one_pass_computes_byte_for_byte()
    {
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var dir = TempDir.Create("teacher-states");
        string whole = Path.Combine(dir, "whole", ExactTeacherCache.FileName), joined = Path.Combine(dir, "sharded", ExactTeacherCache.FileName);
        TeacherPass.Run(Job(model, data, whole, exact: true), Shard.All);
        foreach (var k in new[] { 1, 2 }) TeacherPass.Run(Job(model, data, joined, exact: true), new Shard(k, 2));
        Assert.False(File.Exists(joined));

        new FinetuneJob(Job(model, data, joined, exact: true)).Run();

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(joined));
    }

    [Fact]
    public void Should_join_shards_computed_apart_into_the_cache_one_pass_computes_byte_for_byte()
    {
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var dir = TempDir.Create("teacher-cache");
        string whole = Path.Combine(dir, "whole", TopKTeacherCache.FileName), joined = Path.Combine(dir, "sharded", TopKTeacherCache.FileName);
        TeacherPass.Run(Job(model, data, whole), Shard.All);
        var written = Enumerable.Range(1, 3).Select(k => TeacherPass.Run(Job(model, data, joined), new Shard(k, 3))).ToList();
        Assert.Equal(["teacher_cache.shard1of3.safetensors", "teacher_cache.shard2of3.safetensors", "teacher_cache.shard3of3.safetensors"], written.Select(Path.GetFileName));
        Assert.False(File.Exists(joined));

        // When the run that uses the cache starts, it joins the shards
        new FinetuneJob(Job(model, data, joined)).Run();

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(joined));
    }

    [Fact]
    public void Should_refuse_missing_and_stale_shards_naming_the_file()
    {
        var (model, data) = (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(60));
        var cache = Path.Combine(TempDir.Create("teacher-cache"), TopKTeacherCache.FileName);
        TeacherPass.Run(Job(model, data, cache), new Shard(1, 2));
        var e = Assert.Throws<MftException>(() => new FinetuneJob(Job(model, data, cache)).Run());
        Assert.Contains("shard2of2", e.Message);
        Assert.Contains("shard 2/2", e.Message);   // the option by its key (mft prints --shard)

        TeacherPass.Run(Job(model, data, cache, topK: 4), new Shard(2, 2));   // another k: another fingerprint
        e = Assert.Throws<MftException>(() => new FinetuneJob(Job(model, data, cache)).Run());
        Assert.Contains("shard2of2", e.Message);
        Assert.Contains("stale", e.Message);
        Assert.False(File.Exists(cache));
    }
}
