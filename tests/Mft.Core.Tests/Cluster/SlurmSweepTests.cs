using Mft.Cluster;

namespace Mft.Tests.Cluster;

public sealed class SlurmSweepTests
{
    [Fact]
    public void Should_write_a_teacher_array_a_run_array_after_it_and_a_collect_job_after_that()
    {
        var outDir = Path.Combine(TempDir.Create("slurm"), "sweep out");
        var scripts = SlurmSweep.Write("'/opt/mft'", "sweeps/x.yaml", outDir, runs: 12, teacherTasks: 3,
            new SlurmOptions(Partition: "cpu", Time: "2:00:00", CpusPerTask: 4, Gres: "gpu:1", ArraySize: 5));
        Assert.Equal(["teachers.sbatch", "runs.sbatch", "collect.sbatch"], scripts.Select(Path.GetFileName));
        var teachers = File.ReadAllText(scripts[0]);
        var runs = File.ReadAllText(scripts[1]);
        var collect = File.ReadAllText(scripts[2]);
        Assert.Contains("#SBATCH --array=1-3\n", teachers);                         // no more tasks than caches
        Assert.Contains("--teacher-pass --shard \"$SLURM_ARRAY_TASK_ID/3\"", teachers);
        Assert.Contains("#SBATCH --array=1-5\n", runs);                             // --array-size caps the runs' array
        Assert.Contains($"exec '/opt/mft' sweep --config '{Path.GetFullPath("sweeps/x.yaml")}' --out '{Path.GetFullPath(outDir)}' --shard \"$SLURM_ARRAY_TASK_ID/5\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"", runs);
        foreach (var line in new[] { "#SBATCH --cpus-per-task=4\n", "#SBATCH --partition=cpu\n", "#SBATCH --time=2:00:00\n", "#SBATCH --gres=gpu:1\n" })
            Assert.Contains(line, runs);
        Assert.Contains("--collect\n", collect);
        Assert.DoesNotContain("--array", collect);
        Assert.DoesNotContain("--gres", collect);
        Assert.True(Directory.Exists(Path.Combine(outDir, "slurm", "logs")));      // Slurm does not create it
        var submit = File.ReadAllText(Path.Combine(outDir, "slurm", "submit.sh"));
        Assert.Contains("runs=$(submit --kill-on-invalid-dep=yes --dependency=afterok:\"$teachers\" \"$here/runs.sbatch\")", submit);
        Assert.Contains("collect=$(submit --kill-on-invalid-dep=yes --dependency=afterok:\"$runs\" \"$here/collect.sbatch\")", submit);
    }

    [Fact]
    public void Should_leave_out_the_teacher_job_when_the_sweep_caches_no_teacher()
    {
        var outDir = TempDir.Create("slurm");
        var scripts = SlurmSweep.Write("mft", "x.yaml", outDir, runs: 3, teacherTasks: 0, new SlurmOptions());
        Assert.Equal(["runs.sbatch", "collect.sbatch"], scripts.Select(Path.GetFileName));
        Assert.Contains("#SBATCH --array=1-3\n", File.ReadAllText(scripts[0]));
        Assert.DoesNotContain("--cpus-per-task", File.ReadAllText(scripts[0]));
        Assert.StartsWith("runs=$(submit \"$here/runs.sbatch\")", File.ReadAllLines(Path.Combine(outDir, "slurm", "submit.sh")).First(l => l.StartsWith("runs=")));
    }

    [Theory]
    [InlineData("--partition", "a b")]
    [InlineData("--time", "1:00'; rm -rf /")]
    [InlineData("--array-size", "0")]
    [InlineData("--cpus-per-task", "-2")]
    public void Should_refuse_options_that_would_break_the_scripts(string option, string value)
    {
        var o = option switch
        {
            "--partition" => new SlurmOptions(Partition: value),
            "--time" => new SlurmOptions(Time: value),
            "--array-size" => new SlurmOptions(ArraySize: int.Parse(value)),
            _ => new SlurmOptions(CpusPerTask: int.Parse(value)),
        };
        var e = Assert.Throws<OptionException>(() => SlurmSweep.Write("mft", "x.yaml", TempDir.Create("slurm"), 3, 0, o));
        Assert.StartsWith(option + ": ", e.AsFlags);   // named by its key, printed by mft as the flag
        Assert.Equal(option[2..].Replace('-', '_'), e.Key);
    }
}
