using System.Diagnostics;
using Mft.Cluster;
using Mft.Sweep;

namespace Mft.Tests.Sweep;

/// <summary>Shards of one sweep in concurrent processes sharing an output folder, against the single-process sweep.</summary>
public sealed class ShardedSweepTests
{
    /// <summary>The tiny grid of these tests: 12 runs with a top-k teacher cache by default.</summary>
    private static string ConfigFile(string budgets = "[20, 40]", string seeds = "[0, 1]", string cache = "teacher_cache_topk: 8",
        string methods = "{ft: {method: ft}, mft+lora: {method: mft, tau: 0.2, adapter: lora}, mft-replay: {method: mft, tau: 0.2, replay_fraction: 0.25}}") =>
        TinySweep.File(TinySweep.Yaml(methods, budgets, seeds, train: cache));

    /// <summary>Runs the built mft in a process of its own (one thread, as cluster tasks with one CPU do).</summary>
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(Mft.Cli.MftApp).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    private static string Finish(Process p)
    {
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "mft did not finish within 5 minutes");
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {error}{output.Result}");
        return output.Result;
    }

    /// <summary>The report's numbers: every table without its timings.</summary>
    private static string Numbers(string dir) => string.Join("\n",
        File.ReadAllLines(Path.Combine(dir, "results.csv")).Select(l => l[..l.LastIndexOf(',')])
            .Concat(File.ReadAllLines(Path.Combine(dir, "trajectories.csv")))
            .Concat(File.ReadAllLines(Path.Combine(dir, "summary.csv")).Select(l => l[..l.LastIndexOf(',')])));

    [Fact]
    public void Should_give_the_single_process_report_exactly_from_three_concurrent_shards_in_one_folder()
    {
        var config = ConfigFile();
        var root = TempDir.Create("sharded-sweep-out");
        string single = Path.Combine(root, "single"), shared = Path.Combine(root, "shared");
        Finish(Start("sweep", "--config", config, "--out", single, "--threads", "1"));

        // When three shards run at once into one folder, then the report is collected
        var shards = Enumerable.Range(1, 3).Select(k => Start("sweep", "--config", config, "--out", shared, "--shard", $"{k}/3", "--threads", "1")).ToList();
        var outputs = shards.Select(Finish).ToList();
        var collected = Finish(Start("sweep", "--collect", "--out", shared));

        // Then each trained its own 4 of the 12 runs, and the numbers are the single process's, digit for digit
        Assert.All(outputs, o => Assert.Equal(4, o.Split('\n').Count(l => l.StartsWith('[') && l.Contains(" cats n") && !l.Contains("done earlier"))));
        Assert.Contains("12 runs collected", collected);
        Assert.Equal(Numbers(single), Numbers(shared));
        Assert.Equal(13, File.ReadAllLines(Path.Combine(shared, "results.csv")).Length);
        // nothing half-written or claimed is left behind
        Assert.DoesNotContain(Directory.EnumerateFiles(shared, "*", SearchOption.AllDirectories), f => f.EndsWith(".tmp") || f.EndsWith(".claim"));
        Assert.Equal(8, Directory.EnumerateFiles(Path.Combine(shared, "teachers"), "teacher_cache.safetensors", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public void Should_give_the_online_teachers_numbers_with_the_exact_teacher_cache()
    {
        // Given one sweep with the exact cache and one with the teacher run at every step (mft train's default)
        string Config(string cache) => ConfigFile(budgets: "[20]", seeds: "[0]", cache: cache,
            methods: "{mft: {method: mft, tau: 0.2}, mft+lora: {method: mft, tau: 0.5, adapter: lora}}");
        var root = TempDir.Create("exact-sweep-out");
        string cached = Path.Combine(root, "cached"), online = Path.Combine(root, "online");
        Finish(Start("sweep", "--config", Config("teacher_cache_exact: true"), "--out", cached, "--threads", "1"));
        Finish(Start("sweep", "--config", Config(""), "--out", online, "--threads", "1"));

        // Then the numbers are the same, and both methods read one shared cache
        Assert.Equal(Numbers(online), Numbers(cached));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(cached, "teachers"), "teacher_states.safetensors", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(online, "teachers")));
    }

    [Fact]
    public void Should_refuse_a_device_this_build_lacks_before_writing_anything()
    {
        // Given the CPU build, when a sweep is asked to run on a GPU (as a user runs it: a fresh process)
        var dir = Path.Combine(TempDir.Create("sweep-device"), "sweep");
        var p = Start("sweep", "--config", ConfigFile(), "--out", dir, "--device", "cuda");
        var error = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)));
        // Then it says so and stops, instead of training every run on the CPU; and in the library, the same before any folder exists
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains("--device cuda: this build uses TorchSharp-cpu", error);
        Assert.False(Directory.Exists(dir));
        Assert.Throws<MftException>(() => new SweepRunner(SweepFile.Load(ConfigFile()), dir, overwrite: false, device: "cuda").Run());
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Should_take_another_shards_half_written_sweep_json_for_the_sweep_not_for_a_foreign_folder()
    {
        // Given a folder where another shard is writing sweep.json: only its temporary files are there yet
        var config = SweepFile.Load(ConfigFile());
        var dir = TempDir.Create("shard-race");
        File.WriteAllText(Path.Combine(dir, $".{SweepLayout.ConfigFile}.{Guid.NewGuid():N}.tmp"), "{");
        File.WriteAllText(Path.Combine(dir, $"..{SweepLayout.ConfigFile}.{Guid.NewGuid():N}.tmp.42.{Guid.NewGuid():N}.tmp"), "{");

        // When this shard prepares the folder, then it publishes sweep.json instead of calling the folder someone else's
        new SweepRunner(config, dir, overwrite: false, shard: new Shard(2, 3)).Prepare();
        Assert.True(File.Exists(Path.Combine(dir, SweepLayout.ConfigFile)));

        // And a folder with an entry of its own is still refused
        var other = TempDir.Create("shard-foreign");
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        Assert.Throws<MftException>(() => new SweepRunner(config, other, overwrite: false, shard: new Shard(2, 3)).Prepare());
    }

    [Fact]
    public void Should_refuse_to_collect_a_folder_with_unfinished_runs_and_to_overwrite_from_a_shard()
    {
        var config = SweepFile.Load(ConfigFile());
        var dir = Path.Combine(TempDir.Create("sharded-sweep-out"), "sweep");
        new SweepRunner(config, dir, overwrite: false).Prepare();
        var e = Assert.Throws<MftException>(() => new SweepRunner(config, dir, overwrite: false).Collect());
        Assert.Contains("12 of 12 runs have no report.json", e.Message);
        Assert.Contains(Path.Combine("runs", "cats", "n20", "seed0", "ft"), e.Message);
        e = Assert.Throws<MftException>(() => new SweepRunner(config, dir, overwrite: true, shard: new Shard(1, 2)).Prepare());
        Assert.Contains("overwrite cannot be combined with shard", e.Message);   // the options, named by their keys
        e = Assert.Throws<MftException>(() => new SweepRunner(config.With("max_steps", "5"), dir, overwrite: false, shard: new Shard(1, 2)).Prepare());
        Assert.Contains("another config", e.Message);
    }
}
