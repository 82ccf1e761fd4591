using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mft.Checkpoints;

namespace Mft.Cluster;

/// <summary>Resources asked of Slurm for every task (null: Slurm's default) and the largest job array.</summary>
public sealed record SlurmOptions(string? Partition = null, string? Time = null, int? CpusPerTask = null, string? Gres = null, int? ArraySize = null)
{
    public void Validate()
    {
        if (CpusPerTask is <= 0) throw new OptionException("cpus_per_task", $"must be positive, got {CpusPerTask}");
        if (ArraySize is <= 0) throw new OptionException("array_size", $"must be positive, got {ArraySize}");
        foreach (var (option, value) in new[] { ("partition", Partition), ("time", Time), ("gres", Gres) })
            if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or '\\')))
                throw new OptionException(option, $"must be one word without quotes or shell characters, got '{value}'");
    }
}

/// <summary>
/// A sweep as Slurm jobs, written to OUT/slurm/: an array job for the teacher passes (only when the sweep caches its
/// teacher), an array job for the runs (task K runs <c>mft sweep --shard K/N</c>) that starts after it succeeds
/// (afterok), and a collect job after that; submit.sh submits them in that order with their dependencies. Every
/// task uses <c>$SLURM_CPUS_PER_TASK</c> threads (1 when unset: Slurm's default allocation). Slurm does the
/// scheduling, retries and accounting; a failed task is redone by submitting again (finished work is skipped).
/// </summary>
public static class SlurmSweep
{
    public const string Folder = "slurm";

    /// <summary>A job and its Slurm id once submitted.</summary>
    public sealed record Job(string Name, string Id);

    /// <summary>
    /// Writes the scripts and returns them in submission order. <paramref name="mft"/> runs mft on the nodes
    /// (shell-quoted); the config and output folder must be on a file system every node sees; a sweep of
    /// <paramref name="runs"/> runs and <paramref name="teacherTasks"/> teacher caches (0: no teacher job).
    /// </summary>
    public static IReadOnlyList<string> Write(string mft, string configPath, string outputDirectory, int runs, int teacherTasks, SlurmOptions options)
    {
        options.Validate();
        var config = Path.GetFullPath(configPath);
        var output = Path.GetFullPath(outputDirectory);
        var dir = Path.Combine(output, Folder);
        Directory.CreateDirectory(Path.Combine(dir, "logs"));   // Slurm does not create the folder of --output
        int limit = options.ArraySize ?? int.MaxValue;
        var sweep = $"{mft} sweep --config {Quote(config)} --out {Quote(output)}";
        const string threads = "--threads \"${SLURM_CPUS_PER_TASK:-1}\"";
        var scripts = new List<(string Name, string Text)>();
        if (teacherTasks > 0)
        {
            int n = Math.Min(limit, teacherTasks);
            scripts.Add(("teachers", Script("teachers", n, options, dir, $"{sweep} --teacher-pass --shard \"$SLURM_ARRAY_TASK_ID/{n}\" {threads}")));
        }
        int r = Math.Min(limit, runs);
        scripts.Add(("runs", Script("runs", r, options, dir, $"{sweep} --shard \"$SLURM_ARRAY_TASK_ID/{r}\" {threads}")));
        scripts.Add(("collect", Script("collect", null, options with { CpusPerTask = null, Gres = null }, dir, $"{sweep} --collect")));
        var paths = new List<string>();
        foreach (var (name, text) in scripts)
        {
            var path = Path.Combine(dir, $"{name}.sbatch");
            AtomicFile.WriteAllText(path, text);
            paths.Add(path);
        }
        AtomicFile.WriteAllText(Path.Combine(dir, "submit.sh"), SubmitScript(scripts.Select(s => s.Name).ToList()));
        return paths;
    }

    /// <summary>Runs OUT/slurm/submit.sh (sbatch, in order, with afterok dependencies) and returns the jobs it submitted.</summary>
    public static IReadOnlyList<Job> Submit(string outputDirectory)
    {
        var script = Path.Combine(Path.GetFullPath(outputDirectory), Folder, "submit.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new MftException($"{script}: cannot run bash ({e.Message})"); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var jobs = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(p => p.Length == 2).Select(p => new Job(p[0], p[1])).ToList();
            if (process.ExitCode != 0)
                throw new MftException($"{script}: sbatch failed (exit {process.ExitCode}): {stderr.Trim().ReplaceLineEndings(" ")}" +
                                       (jobs.Count > 0 ? $"; already submitted: {string.Join(", ", jobs.Select(j => $"{j.Name} {j.Id}"))} (scancel them before submitting again)" : ""));
            return jobs;
        }
    }

    private static string Script(string name, int? array, SlurmOptions o, string dir, string command)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        void Line(string option, object? value) { if (value is not null) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --{option}={value}\n"); }
        Line("job-name", $"mft-{name}");
        Line("chdir", Environment.CurrentDirectory);
        Line("output", Path.Combine(dir, "logs", array is null ? $"{name}-%j.out" : $"{name}-%A_%a.out"));
        Line("array", array is int n ? $"1-{n}" : null);
        Line("cpus-per-task", o.CpusPerTask);
        Line("partition", o.Partition);
        Line("time", o.Time);
        Line("gres", o.Gres);
        sb.Append("# Written by mft sweep --slurm. Rerunning a task is safe: finished runs and caches are skipped.\n");
        sb.Append("set -euo pipefail\n");
        sb.Append(CultureInfo.InvariantCulture, $"exec {command}\n");
        return sb.ToString();
    }

    private static string SubmitScript(IReadOnlyList<string> names)
    {
        var sb = new StringBuilder("""
            #!/bin/bash
            # Submits the sweep's jobs in order, each after the previous one succeeded (afterok); prints "NAME JOBID" per job.
            set -euo pipefail
            here="$(cd "$(dirname "$0")" && pwd)"
            submit() { local out; out=$(sbatch --parsable "$@"); echo "${out%%;*}"; }

            """);
        string? previous = null;
        foreach (var name in names)
        {
            var dependency = previous is null ? "" : $"--kill-on-invalid-dep=yes --dependency=afterok:\"${previous}\" ";
            sb.Append(CultureInfo.InvariantCulture, $"{name}=$(submit {dependency}\"$here/{name}.sbatch\")\necho \"{name} ${name}\"\n");
            previous = name;
        }
        return sb.ToString();
    }

    /// <summary>Single-quotes <paramref name="word"/> for the shell.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
