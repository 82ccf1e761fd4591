using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Mft.Jobs;

namespace Mft.Cli.Commands;

public sealed class SweepSettings : CommandSettings
{
    [CommandOption("--device <DEVICE>")] [Description(Runtime.ComputeOptions.DeviceHelp + "; every run of the sweep")] [DefaultValue("cpu")]
    public string Device { get; init; } = "cpu";
    [CommandOption("--threads <N>")] [Description(Runtime.ComputeOptions.ThreadsHelp + "; per run")] [DefaultValue(0)]
    public int Threads { get; init; }
    [CommandOption("--config <FILE>")] [Description("sweep YAML: methods, domains, budgets, seeds (see sweeps/embedded.yaml); with --collect, default: the folder's sweep.json")]
    public string Config { get; init; } = "";
    [CommandOption("--out <DIR>")] [Description("output folder; run again with the same config to resume")] [DefaultValue("runs/sweep")]
    public string Out { get; init; } = "runs/sweep";
    [CommandOption("--overwrite")] [Description("replace a folder that holds a sweep with another config")]
    public bool Overwrite { get; init; }

    [CommandOption("--workers <N>")] [Description("runs trained at once in this process, each on --threads threads (0: libtorch's default); base measurements and teacher caches are computed once")] [DefaultValue(1)]
    public int Workers { get; init; } = 1;
    [CommandOption("--shard <K/N>")] [Description("run only the K-th of N shares of the grid (1 <= K <= N); shards may share --out; collect the report with --collect")]
    public string? Shard { get; init; }
    [CommandOption("--collect")] [Description("write the report from a folder whose runs have all finished (trains nothing)")]
    public bool Collect { get; init; }
    [CommandOption("--teacher-pass")] [Description("compute only the teacher caches (teacher_cache_topk in the config), or this --shard's share of them")]
    public bool TeacherPass { get; init; }

    [CommandOption("--slurm")] [Description("write OUT/slurm/: a teacher job array, a run job array after it (afterok) and a collect job")]
    public bool Slurm { get; init; }
    [CommandOption("--partition <P>")] [Description("--slurm: the partition to run in")]
    public string? Partition { get; init; }
    [CommandOption("--time <T>")] [Description("--slurm: time limit per task (Slurm format, e.g. 4:00:00)")]
    public string? Time { get; init; }
    [CommandOption("--cpus-per-task <C>")] [Description("--slurm: CPUs per task; tasks use $SLURM_CPUS_PER_TASK threads")]
    public int? CpusPerTask { get; init; }
    [CommandOption("--gres <G>")] [Description("--slurm: generic resources per task (e.g. gpu:1)")]
    public string? Gres { get; init; }
    [CommandOption("--array-size <N>")] [Description("--slurm: at most N tasks per job array (default: one per run)")]
    public int? ArraySize { get; init; }
    [CommandOption("--submit")] [Description("--slurm: submit the jobs with sbatch and print their ids")]
    public bool Submit { get; init; }

    public override ValidationResult Validate()
    {
        string? slurmOnly = new (string Name, bool Given)[]
        {
            ("--partition", Partition is not null), ("--time", Time is not null), ("--cpus-per-task", CpusPerTask is not null),
            ("--gres", Gres is not null), ("--array-size", ArraySize is not null), ("--submit", Submit),
        }.FirstOrDefault(o => o.Given).Name;
        if (slurmOnly is not null && !Slurm) return ValidationResult.Error($"{slurmOnly} needs --slurm");
        if (Collect && (Shard is not null || TeacherPass || Slurm || Overwrite)) return ValidationResult.Error("--collect trains nothing: it takes no --shard, --teacher-pass, --slurm or --overwrite");
        if (Slurm && (Shard is not null || TeacherPass)) return ValidationResult.Error("--slurm writes the jobs that run the shards: it takes no --shard or --teacher-pass");
        if (Shard is not null)
        {
            try { Mft.Cluster.Shard.Parse(Shard); }
            catch (MftException e) { return ValidationResult.Error(e.AsFlags); }
        }
        if (string.IsNullOrWhiteSpace(Config) && !Collect) return ValidationResult.Error("--config is required (a sweep YAML file, e.g. sweeps/embedded.yaml)");
        return ValidationResult.Success();
    }
}
