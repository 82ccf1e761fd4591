using System.Diagnostics;
using Mft.Checkpoints;

namespace Mft.Tests.Training;

/// <summary>Kills a real `mft train` process with SIGKILL several times and resumes it each time.</summary>
[Collection("memory")]
public sealed class KillAndResumeTests
{
    private static string MftDll => Path.Combine(AppContext.BaseDirectory, "mft.dll");

    /// <summary>
    /// Whether this process ignores SIGINT. A command started in the background by a non-interactive shell (`cmd &amp;`,
    /// nohup) does, and its children inherit that: .NET then keeps ignoring it, so Ctrl-C could not be tested.
    /// </summary>
    private static bool SigintIgnored() => File.ReadLines("/proc/self/status").Where(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))
        .Select(l => (Convert.ToUInt64(l["SigIgn:".Length..].Trim(), 16) & 0x2) != 0).FirstOrDefault();

    private static Process Start(IEnumerable<string> args, System.Text.StringBuilder? log = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (SigintIgnored())
        {
            // Restore SIGINT's default disposition before starting the CLI, as an interactive shell would have it.
            psi.FileName = "/usr/bin/python3";
            foreach (var a in new[] { "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])", "dotnet" })
                psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(MftDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (log is not null && e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (log is not null && e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static int StepsLogged(string outDir)
    {
        var path = Path.Combine(outDir, "metrics.jsonl");
        try { return File.Exists(path) ? File.ReadAllLines(path).Count(l => l.Contains("\"type\":\"step\"")) : 0; }
        catch (IOException) { return 0; }
    }

    [Fact]
    public void Should_end_with_the_same_weights_after_repeated_sigkill_and_resume()
    {
        // Given one run straight through
        var model = TinyCorpus.ModelDirectory();
        string data = TinyCorpus.DomainFile(), general = TinyCorpus.GeneralFile();
        string[] Args(string outDir) =>
        [
            "train", "--model", model, "--data", data, "--general", general, "--out", outDir, "--method", "mft", "--tau", "0.3",
            "--max-steps", "40", "--context", "32", "--batch-size", "4", "--lr", "3e-3", "--warmup-steps", "2",
            "--checkpoint-every", "2", "--eval-every", "10", "--threads", "1", "--seed", "5",
        ];
        var straight = Path.Combine(TempDir.Create("kill-straight"), "out");
        using (var p = Start(Args(straight))) { p.WaitForExit(); Assert.Equal(0, p.ExitCode); }

        // When the same run is killed three times at random moments during training, and resumed each time
        var killed = Path.Combine(TempDir.Create("kill-resumed"), "out");
        var rng = new Random(11);
        int kills = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            using var p = Start([.. Args(killed), "--resume"]);
            int target = StepsLogged(killed) + 3 + rng.Next(6);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!p.HasExited && StepsLogged(killed) < target && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Thread.Sleep(rng.Next(150));
            if (!p.HasExited) { p.Kill(entireProcessTree: true); kills++; }
            p.WaitForExit();
        }
        // An attempt that was not killed may have finished the run (its poll starved, as under MFT_TEST_GC_STRESS=1, where
        // the collector stops this process's threads while the child trains 40 steps in about 3 s): resuming a finished run
        // is refused, rightly, so the last resume runs only when there is something to resume.
        if (!File.Exists(Path.Combine(killed, "report.json")))
        {
            var last = new System.Text.StringBuilder();
            using var p = Start([.. Args(killed), "--resume"], last);
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"the last resume exited {p.ExitCode} after {kills} kills:\n{last}");
        }

        // Then the final weights are identical
        Assert.True(kills >= 2, $"only {kills} kills landed during training");
        using var a = new SafetensorsReader(Path.Combine(straight, "model", "model.safetensors"));
        using var b = new SafetensorsReader(Path.Combine(killed, "model", "model.safetensors"));
        foreach (var name in a.Tensors.Keys)
            Assert.True(a.Load(name).bytes.SequenceEqual(b.Load(name).bytes), $"{name} differs after {kills} kills");
    }

    [Fact]
    public void Should_save_a_checkpoint_and_exit_cleanly_on_sigint()
    {
        // Given a training run in progress
        var outDir = Path.Combine(TempDir.Create("sigint"), "out");
        var log = new System.Text.StringBuilder();
        using var p = Start(
        [
            "train", "--model", TinyCorpus.ModelDirectory(), "--data", TinyCorpus.DomainFile(), "--out", outDir, "--method", "ft",
            "--max-steps", "100000", "--context", "32", "--batch-size", "4", "--threads", "1",
        ], log);
        var started = DateTime.UtcNow;
        var deadline = started.AddSeconds(60);
        while (!p.HasExited && StepsLogged(outDir) < 5 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        string before = $"before SIGINT: exited {p.HasExited}, {StepsLogged(outDir)} steps logged after {(DateTime.UtcNow - started).TotalSeconds:F1} s";
        // When Ctrl-C (SIGINT) arrives
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString()])) kill.WaitForExit();
        bool stopped = p.WaitForExit(60_000);
        if (!stopped) p.Kill(entireProcessTree: true);
        string Diagnosis() { lock (log) return $"{before}; after: {StepsLogged(outDir)} steps logged; output:\n{log}"; }
        Assert.True(stopped, $"the process did not stop after SIGINT ({Diagnosis()})");
        // Then it stopped with 130 after writing a checkpoint that a resumed run can use
        Assert.Equal(130, p.ExitCode);
        Assert.NotNull(Mft.Training.TrainingCheckpoint.Find(outDir));
    }
}
