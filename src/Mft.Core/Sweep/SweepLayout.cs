using System.Globalization;

namespace Mft.Sweep;

/// <summary>
/// Every path in a sweep's folder, named in one place (the counterpart of <see cref="Runs.RunLayout"/> for one run):
/// sweep.json (the config it holds), runs/DOMAIN/nBUDGET[-epochs]/seedS/METHOD (one run folder each),
/// teachers/DOMAIN/nBUDGET/seedS/replayR (one teacher cache per training rows), base/DOMAIN/seedS.json (the base
/// model's perplexities per evaluation sets), base/DOMAIN/tasks.json (its task scores), the reports and slurm/.
/// </summary>
public sealed record SweepLayout(string Directory)
{
    public const string ConfigFile = "sweep.json";

    /// <summary>The sweep's config (<see cref="SweepConfig.ToJson"/>): a folder holds one sweep.</summary>
    public string Config => In(ConfigFile);
    public string Report => In("report.md");
    /// <summary>The Slurm scripts and logs (<see cref="Cluster.SlurmSweep"/>).</summary>
    public string Slurm => In(Cluster.SlurmSweep.Folder);

    /// <summary>A run's folder, relative to the sweep's: its identity (shards are dealt by it).</summary>
    public static string RunFolder(string domain, DataBudget budget, int seed, string method) => Path.Combine("runs", domain, budget.Folder, $"seed{seed}", method);

    /// <summary>
    /// The folder of the teacher cache of a run's training rows, relative to the sweep's. The rows depend on the
    /// domain, the budget's samples, the seed, and the options that change a teacher's rows
    /// (<see cref="OptionAttribute.TeacherFolder"/>: replay), not on the method or the number of steps.
    /// </summary>
    public static string TeacherFolder(string domain, int samples, int seed, Jobs.FinetuneJobConfig options) =>
        Path.Combine("teachers", domain, $"n{samples}", $"seed{seed}", string.Join('-', SweepConfig.Schema.Options
            .Where(o => o.Declared.TeacherFolder.Length > 0
                        && !(o.Declared.TeacherFolderOmitsDefault && OptionSchema.Format(o, options) == SweepConfig.Schema.DefaultOf(o)))
            .Select(o => o.Declared.TeacherFolder + (OptionSchema.Format(o, options) ?? "none"))));

    /// <summary>The base model's perplexities on the evaluation sets of a domain and seed.</summary>
    public string BasePerplexities(string domain, int seed) => In(Path.Combine("base", domain, $"seed{seed.ToString(CultureInfo.InvariantCulture)}.json"));

    /// <summary>The base model's scores on the task files of a domain's runs (which depend on the domain only, not the seed).</summary>
    public string BaseTaskScores(string domain) => In(Path.Combine("base", domain, "tasks.json"));

    public string In(string relative) => Path.Combine(Directory, relative);
}
