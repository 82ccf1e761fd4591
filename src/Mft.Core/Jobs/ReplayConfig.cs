using Mft.Checkpoints;

namespace Mft.Jobs;

/// <summary>
/// run_config.yaml in a run's output folder: every option of the job (defaults included), as the YAML that
/// <c>mft train --config</c> reads, keys in snake_case (<see cref="OptionSchema"/>). <c>mft train --config
/// runs/X/run_config.yaml --out runs/Y</c> runs it again, to the same weights. Paths are written as they were given,
/// relative to the folder the job ran in. The output folder and the switches that only say how to treat it (overwrite,
/// resume) are left out. A job with settings that have no option (a sweep's or the demo's run: a domain test file,
/// validation sets drawn from it) says so in the file's header.
/// </summary>
public static class ReplayConfig
{
    private static readonly HashSet<string> NotReplayed = ["out", "overwrite", "resume"];

    public static string ToYaml(FinetuneJobConfig config)
    {
        var header = config.DomainTestPath is null
            ? "# The options of this run. To run it again: mft train --config run_config.yaml --out NEW_FOLDER\n"
            : $"# The options of this run. It also had settings mft train has no option for (domain test file {config.DomainTestPath}, " +
              "validation sets drawn from it), set by the sweep or demo that ran it; see run_config.json.\n";
        return header + OptionSchema.Of<FinetuneJobConfig>().ToYaml(config, NotReplayed);
    }

    public static void Write(FinetuneJobConfig config) => AtomicFile.WriteAllText(config.Layout.ReplayConfig, ToYaml(config));
}
