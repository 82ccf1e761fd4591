using System.Reflection;
using Mft.Cluster;
using Mft.Sweep;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary>
/// <c>mft sweep</c>: methods x data budgets x seeds, resumable, with a results table, plots and a tau choice per
/// degeneralization budget; or one shard of it, its teacher pass, the report of a finished folder (--collect), or
/// Slurm jobs that do all of that on a cluster (--slurm).
/// </summary>
public sealed class SweepCommand : Command<SweepSettings>
{
    public override int Execute(CommandContext context, SweepSettings s, CancellationToken cancellationToken)
    {
        var config = Load(s);
        var shard = s.Shard is null ? Shard.All : Shard.Parse(s.Shard);
        if (s.Workers < 1) throw new OptionException("workers", $"must be at least 1, got {s.Workers}");
        var runner = new SweepRunner(config, s.Out, s.Overwrite, s.Threads, shard, s.Workers, s.Device);
        var report = Path.Combine(s.Out, "report.md");
        if (s.Collect)
        {
            var runs = runner.Collect();
            Console.WriteLine($"{runs.Count} runs collected; report: {report}");
            return 0;
        }
        if (s.Slurm) return Slurm(s, config, runner);
        using var ctrlC = new CtrlC(cancellationToken);
        runner.RunCompleted += (r, i, total, trained) =>
        {
            var f = r.Final.Report;
            Console.WriteLine(   // plain lines, never wrapped: they end up in cluster job logs
                $"[{i}/{total}] {r.Domain} {r.Budget} seed{r.Seed} {r.Method,-14} S {f.Specialization,7:P1}  D {f.Degeneralization,7:P2}  S/D {f.RatioText}  {r.Seconds:F0} s{(trained ? "" : "  (done earlier)")}");
        };
        runner.TeacherCached += (path, i, total, computed) =>
            Console.WriteLine($"[{i}/{total}] teacher cache {path}{(computed ? "" : "  (done earlier)")}");
        try
        {
            if (s.TeacherPass) runner.RunTeachers(ctrlC.Token);
            else runner.Run(ctrlC.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"stopped; run the same command again to continue the sweep in {s.Out}");
            return 130;
        }
        if (s.TeacherPass) Console.WriteLine($"teacher pass {shard} done");
        else if (shard.IsAll) Console.WriteLine($"report: {report}");
        else Console.WriteLine($"shard {shard} done; once every shard is: mft sweep --collect --out {s.Out}");
        return 0;
    }

    private static SweepConfig Load(SweepSettings s)
    {
        SweepConfig config;
        if (!string.IsNullOrWhiteSpace(s.Config)) config = SweepFile.Parse(ReadConfig(s.Config), s.Config);
        else
        {
            var path = new SweepLayout(s.Out).Config;
            if (!File.Exists(path)) throw new MftException($"{path}: not found: give --config, or an --out that holds a sweep");
            config = SweepConfig.FromJson(File.ReadAllText(path), path);
        }
        // The files name the embedded model and corpora as models/base and data; find them from wherever mft runs.
        if (config.Train.GetValueOrDefault("model") == "models/base" && !Directory.Exists("models/base"))
            config = SweepOverrides.Apply(config, [KeyValuePair.Create("model", EmbeddedAssets.Find("models/base", "config.json"))]);
        if (config.Data == "data" && !Directory.Exists(config.Data)) config = config with { Data = EmbeddedAssets.Find("data", "general/test.txt") };
        config.Validate(string.IsNullOrWhiteSpace(s.Config) ? new SweepLayout(s.Out).Config : s.Config);
        return config;
    }

    private static string ReadConfig(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new MftException($"{path}: sweep config not found");
    private static int Slurm(SweepSettings s, SweepConfig config, SweepRunner runner)
    {
        runner.Prepare();   // sweep.json, or the check that the folder holds this sweep
        var options = new SlurmOptions(s.Partition, s.Time, s.CpusPerTask, s.Gres, s.ArraySize);
        var scripts = SlurmSweep.Write(MftCommand(), s.Config, s.Out, SweepCell.Grid(config).Count, SweepRunner.TeacherCells(config).Count, options);
        foreach (var script in scripts) Console.WriteLine($"wrote {script}");
        var submit = Path.Combine(Path.GetFullPath(s.Out), SlurmSweep.Folder, "submit.sh");
        if (!s.Submit)
        {
            Console.WriteLine($"submit them with: bash {submit}");
            return 0;
        }
        var jobs = SlurmSweep.Submit(s.Out);
        foreach (var job in jobs) Console.WriteLine($"submitted {job.Name}: job {job.Id}");
        var ids = string.Join(',', jobs.Select(j => j.Id));
        Console.WriteLine($"""
            follow:  squeue -j {ids}
                     sacct -j {ids} --format=JobID,JobName,State,Elapsed,ExitCode
            logs:    {Path.Combine(Path.GetFullPath(s.Out), SlurmSweep.Folder, "logs")}
            report:  {Path.Combine(Path.GetFullPath(s.Out), "report.md")} (written by the collect job)
            if a task fails: run this same command again; finished runs and teacher caches are skipped
            """);
        return 0;
    }

    /// <summary>How the nodes run this mft: the apphost, or dotnet with mft.dll.</summary>
    private static string MftCommand()
    {
        var process = Environment.ProcessPath ?? "mft";
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry)
            ? $"{SlurmSweep.Quote(process)} {SlurmSweep.Quote(entry)}"
            : SlurmSweep.Quote(process);
    }
}
