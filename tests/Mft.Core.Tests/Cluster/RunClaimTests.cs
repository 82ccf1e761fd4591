using Mft.Cluster;

namespace Mft.Tests.Cluster;

public sealed class RunClaimTests
{
    [Fact]
    public void Should_refuse_a_run_claimed_by_another_shard_and_let_the_same_shard_take_it_over()
    {
        var run = Path.Combine(TempDir.Create("claim"), "runs", "cats", "n20", "seed0", "ft");
        var claimFile = RunClaim.PathOf(run);
        Directory.CreateDirectory(Path.GetDirectoryName(claimFile)!);
        // another host's shard 1/3 holds it
        File.WriteAllText(claimFile, "1/3 other-host 4242 2026-01-01T00:00:00Z\n");
        var e = Assert.Throws<MftException>(() => RunClaim.Take(run, new Shard(2, 3)));
        Assert.Contains(claimFile, e.Message);
        Assert.Contains("shard 1/3", e.Message);
        Assert.Contains("other-host", e.Message);
        // a rerun of shard 1/3 (a failed array task submitted again) takes it over, and frees it when done
        using (RunClaim.Take(run, new Shard(1, 3)))
            Assert.StartsWith($"1/3 {Environment.MachineName} {Environment.ProcessId} ", File.ReadAllText(claimFile));
        Assert.False(File.Exists(claimFile));
    }

    [Fact]
    public void Should_take_over_a_claim_of_a_dead_process_on_this_host_but_not_of_a_live_one()
    {
        var run = Path.Combine(TempDir.Create("claim"), "ft");
        var claimFile = RunClaim.PathOf(run);
        using var live = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30"))!;
        try
        {
            File.WriteAllText(claimFile, $"2/3 {Environment.MachineName} {live.Id} 2026-01-01T00:00:00Z\n");
            var e = Assert.Throws<MftException>(() => RunClaim.Take(run, new Shard(2, 3)));
            Assert.Contains("running", e.Message);
        }
        finally { live.Kill(); live.WaitForExit(); }
        using (RunClaim.Take(run, new Shard(3, 3))) Assert.StartsWith("3/3 ", File.ReadAllText(claimFile));
    }
}
