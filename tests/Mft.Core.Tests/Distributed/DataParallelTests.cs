using System.Diagnostics;
using static Mft.Tests.Distributed.MpiLauncher;

namespace Mft.Tests.Distributed;

/// <summary>
/// Data-parallel training on real OpenMPI ranks against its independent reference, one process with gradient
/// accumulation over as many micro-batches: the same global batch and sample order, so two ranks must give the same
/// weights bit for bit (a two-term fp32 sum is the same in either order), three within a stated tolerance (MPI's
/// reduction order is its own). Every run is a fresh <c>mft</c> process.
/// </summary>
[Collection("memory")]
public sealed class DataParallelTests
{
    private static readonly Lazy<(string Model, string Data, string General)> Inputs =
        new(() => (TinyCorpus.ModelDirectory(), TinyCorpus.DomainFile(), TinyCorpus.GeneralFile()));

    private static string[] Train(string outDir, params string[] extra)
    {
        var (model, data, general) = Inputs.Value;
        return
        [
            "train", "--model", model, "--data", data, "--general", general, "--out", outDir, "--max-steps", "10", "--context", "32",
            "--batch-size", "4", "--lr", "3e-3", "--warmup-steps", "2", "--threads", "1", "--seed", "5", .. extra,
        ];
    }

    public static TheoryData<string, string[]> Methods => new()
    {
        { "ft", ["--method", "ft"] },
        { "mft", ["--method", "mft", "--tau", "0.3"] },
        { "mft-exact-cache", ["--method", "mft", "--tau", "0.3", "--teacher-cache-exact"] },
        { "lora", ["--method", "ft", "--adapter", "lora", "--lora-rank", "4"] },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Should_train_the_same_weights_bit_for_bit_on_2_ranks_as_one_process_accumulating_2_micro_batches(string name, string[] method)
    {
        // Given one process with gradient accumulation over 2 micro-batches of 4 rows
        var dir = TempDir.Create($"mpi-{name}");
        string alone = Path.Combine(dir, "alone"), ranks = Path.Combine(dir, "ranks");
        Succeeded(Alone(Train(alone, [.. method, "--grad-accum", "2"])), "one process");
        // When 2 ranks train with micro-batches of 4 rows
        Succeeded(Ranks(2, Train(ranks, method)), "2 ranks");
        // Then the weights are the same bits, and the logged losses the same numbers
        var (a, b) = (Weights(alone), Weights(ranks));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys) Assert.True(a[key].AsSpan().SequenceEqual(b[key]), $"{name}: {key} differs");
        Assert.Equal(Losses(alone), Losses(ranks));
    }

    [Fact]
    public void Should_train_within_tolerance_on_3_ranks_of_one_process_accumulating_3_micro_batches()
    {
        // Given one process accumulating 3 micro-batches, and 3 ranks
        var dir = TempDir.Create("mpi-3");
        string alone = Path.Combine(dir, "alone"), ranks = Path.Combine(dir, "ranks");
        Succeeded(Alone(Train(alone, "--method", "mft", "--tau", "0.3", "--grad-accum", "3")), "one process");
        Succeeded(Ranks(3, Train(ranks, "--method", "mft", "--tau", "0.3")), "3 ranks");
        // Then every weight agrees within 1e-4 (relative to the tensor's largest): a three-term fp32 sum in another order
        // differs in its last bits, which 10 AdamW steps carry on
        var (a, b) = (Floats(alone), Floats(ranks));
        foreach (var key in a.Keys)
        {
            float scale = a[key].Max(MathF.Abs);
            float diff = a[key].Zip(b[key], (x, y) => MathF.Abs(x - y)).Max();
            Assert.True(diff <= 1e-4f * scale, $"{key}: largest difference {diff} of {scale}");
        }
        var (la, lb) = (Losses(alone), Losses(ranks));
        Assert.All(la.Zip(lb), p => Assert.Equal(p.First, p.Second, 1e-4));
    }

    [Fact]
    public void Should_end_the_job_within_seconds_when_a_rank_is_killed_and_resume_to_the_uninterrupted_weights()
    {
        // Given the uninterrupted run (one process accumulating 2 micro-batches: the same run as 2 ranks)
        var dir = TempDir.Create("mpi-kill");
        string straight = Path.Combine(dir, "straight"), killed = Path.Combine(dir, "killed");
        string[] Args(string outDir) => Train(outDir, "--method", "mft", "--tau", "0.3", "--max-steps", "40", "--checkpoint-every", "2");
        Succeeded(Alone([.. Args(straight), "--grad-accum", "2"]), "uninterrupted");
        // When rank 1 of a 2-rank run is killed (SIGKILL) after a few checkpoints
        using var job = Start(2, Args(killed));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!job.HasExited && StepsLogged(killed) < 7 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        int? victim = RankProcess(job.Id, 1);
        Assert.True(victim is not null && !job.HasExited, $"rank 1 not found running (exited: {job.HasExited}, steps {StepsLogged(killed)})");
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-KILL", victim.ToString()!])) kill.WaitForExit();
        bool ended = job.WaitForExit(15_000);
        if (!ended) job.Kill(entireProcessTree: true);
        // Then the whole job ends with a failure within 15 s
        Assert.True(ended, "the job still ran 15 s after a rank was killed");
        Assert.NotEqual(0, job.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed.TotalSeconds:F1} s");
        Assert.False(File.Exists(Path.Combine(killed, "report.json")));
        // And resumed from its checkpoint on another number of ranks with the same global batch (1 x 2 micro-batches), it ends
        // with the uninterrupted run's weights
        Succeeded(Alone([.. Args(killed), "--grad-accum", "2", "--resume"]), "resumed");
        var (a, b) = (Weights(straight), Weights(killed));
        foreach (var key in a.Keys) Assert.True(a[key].AsSpan().SequenceEqual(b[key]), $"{key} differs after the resume");
    }

    [Fact]
    public void Should_end_the_job_with_the_error_when_one_rank_fails()
    {
        // Given 2 ranks of one job (MPMD: mpirun -n 1 A : -n 1 B) where rank 1 reads a data file that does not exist
        var dir = TempDir.Create("mpi-fail");
        var outDir = Path.Combine(dir, "out");
        var bad = Train(outDir, "--method", "ft").Select(a => a == Inputs.Value.Data ? Path.Combine(dir, "missing.txt") : a);
        // When it runs
        var watch = Stopwatch.StartNew();
        var r = Packaging.ExternalProcess.Run(Mpirun,
            [.. MpirunArguments(1), "dotnet", MftDll, .. Train(outDir, "--method", "ft"), ":", "-n", "1", "dotnet", MftDll, .. bad],
            AppContext.BaseDirectory, TimeSpan.FromSeconds(60));
        // Then the job fails within seconds, naming the file, and rank 0 did not go on alone
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("missing.txt", r.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed.TotalSeconds:F1} s");
        Assert.False(File.Exists(Path.Combine(outDir, "report.json")));
    }

    [Fact]
    public void Should_refuse_a_command_that_does_not_share_its_work_over_ranks()
    {
        // Given mft perplexity, which has no share of its work to give each rank
        var (model, data, _) = Inputs.Value;
        // When it is started on 2 ranks
        var watch = Stopwatch.StartNew();
        var r = Ranks(2, ["perplexity", "--model", model, "--data", data, "--context", "32", "--threads", "1"]);
        // Then the job ends at once with the reason, and no rank computed a perplexity
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("mft perplexity does not run on MPI ranks (2 here)", r.Error);
        Assert.DoesNotContain("tokens scored", r.Output);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Should_write_the_teacher_cache_of_one_process_byte_for_byte_from_2_ranks()
    {
        // Given the exact teacher cache computed by one process
        var (model, data, _) = Inputs.Value;
        var dir = TempDir.Create("mpi-cache");
        string[] Args(string file) =>
        [
            "teacher-cache", "--model", model, "--data", data, "--method", "mft", "--teacher-cache-exact", "--teacher-cache", file,
            "--context", "32", "--batch-size", "4", "--threads", "1", "--seed", "5",
        ];
        string alone = Path.Combine(dir, "alone", "cache.safetensors"), ranks = Path.Combine(dir, "ranks", "cache.safetensors");
        Succeeded(Alone(Args(alone)), "one process");
        // When 2 ranks compute it
        Succeeded(Ranks(2, Args(ranks)), "2 ranks");
        // Then the files are the same bytes, and no shard is left beside it
        Assert.True(File.ReadAllBytes(alone).AsSpan().SequenceEqual(File.ReadAllBytes(ranks)), "the caches differ");
        Assert.Equal(["cache.safetensors"], Directory.GetFiles(Path.GetDirectoryName(ranks)!).Select(Path.GetFileName));
    }

    private static List<double> Losses(string outDir) =>
        File.ReadAllLines(Path.Combine(outDir, "metrics.jsonl")).Where(l => l.Contains("\"type\":\"step\""))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble()).ToList();

    private static int StepsLogged(string outDir)
    {
        var path = Path.Combine(outDir, "metrics.jsonl");
        try { return File.Exists(path) ? File.ReadAllLines(path).Count(l => l.Contains("\"type\":\"step\"")) : 0; }
        catch (IOException) { return 0; }
    }
}
