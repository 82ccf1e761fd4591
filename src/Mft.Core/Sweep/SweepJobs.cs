using System.Globalization;
using Mft.Data;
using Mft.Evaluation;
using Mft.Jobs;

namespace Mft.Sweep;

/// <summary>
/// The job of a sweep's cell: the sweep's <c>train:</c> options, the method's own on top, and then what the sweep
/// itself decides for the cell (<see cref="SetBySweep"/>: its files, budget, seed, folder), all bound by
/// <c>mft train</c>'s schema (<see cref="OptionSchema.Apply"/>). A run, its base measurement and its teacher pass are
/// built alike, so they see the same data, split and evaluation sets. A task file's path may hold
/// <see cref="DataPlaceholder"/> (the sweep's corpora folder) and <see cref="DomainPlaceholder"/> (the cell's domain), so
/// that one sweep gives each domain its own task wherever its data is.
/// </summary>
public sealed class SweepJobs(SweepConfig config, string device = "cpu", int threads = 0)
{
    /// <summary>
    /// The train options the sweep sets for every cell, and where it takes them from: a sweep file's <c>train:</c> or
    /// method that sets one is refused, naming this.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SetBySweep = new Dictionary<string, string>
    {
        ["data"] = "the domain's train.txt under data:, for each domain of the grid",
        ["general"] = "general/test.txt under data:",
        ["replay_data"] = "general/train.txt under data:",
        ["validation_fraction"] = "0: validation sets come from the held-out files (validation_samples)",
        ["max_samples"] = "the grid's max_samples",
        ["seed"] = "the grid's seed",
        ["out"] = "the run's folder in the sweep's --out",
        ["overwrite"] = "the sweep: an unfinished run starts again",
        ["resume"] = "the sweep: an unfinished run starts again",
        ["teacher_cache"] = "the sweep's teachers/ folder",
        ["device"] = "mft sweep --device",
        ["threads"] = "mft sweep --threads",
    };

    /// <summary>In a path of <c>tasks</c>, stands for the domain of the run: <c>{data}/tasks/{domain}.jsonl</c>.</summary>
    public const string DomainPlaceholder = "{domain}";
    /// <summary>In a path of <c>tasks</c>, stands for the sweep's <c>data:</c> folder (the demo's --data-dir).</summary>
    public const string DataPlaceholder = "{data}";

    /// <summary>The task files of a run on <paramref name="domain"/>: <c>tasks</c> with the placeholders replaced.</summary>
    public static IReadOnlyList<string> TaskPathsOf(FinetuneJobConfig options, string data, string domain) =>
        [.. options.TaskPaths.Select(p => p.Replace(DataPlaceholder, data, StringComparison.Ordinal).Replace(DomainPlaceholder, domain, StringComparison.Ordinal))];

    /// <summary>
    /// The job of <paramref name="cell"/> in <paramref name="directory"/>, given the base perplexities, the base task
    /// scores and the teacher cache when there are any.
    /// </summary>
    public FinetuneJobConfig Job(string directory, SweepCell cell, BasePerplexities? basePerplexities, string? teacherCache, BaseTaskScores? baseTaskScores = null)
    {
        var options = cell.Options;
        var values = SweepConfig.Layered(config.Train, cell.Method.Settings, new Dictionary<string, string>
        {
            ["data"] = CorpusLayout.DomainTrain(config.Data, cell.Domain),
            ["general"] = CorpusLayout.GeneralTest(config.Data),
            ["validation_fraction"] = "0",
            ["max_samples"] = Text(cell.Budget.Samples),
            ["seed"] = Text(cell.Seed),
            ["max_steps"] = Text(cell.Budget.Steps),
            ["warmup_steps"] = Text(config.WarmupStepsFor(cell.Budget, options.Trainer.WarmupSteps)),
            ["out"] = directory,
            ["overwrite"] = "true",   // no report.json: a run that was interrupted starts again
            ["device"] = device,
            ["threads"] = Text(threads),
        });
        if (options.ReplayFraction > 0) values["replay_data"] = CorpusLayout.GeneralTrain(config.Data);
        if (!options.Trainer.Kind.UsesTau) values["tau"] = "0";   // no effect on a method without one; its runs record 0
        if (teacherCache is null) (values["teacher_cache_topk"], values["teacher_cache_exact"]) = ("0", "false");
        else values["teacher_cache"] = teacherCache;
        var job = (FinetuneJobConfig)SweepConfig.Schema.Bind(values);
        int? validation = config.ValidationSamples > 0 ? config.ValidationSamples : null;
        return job with
        {
            DomainTestPath = CorpusLayout.DomainTest(config.Data, cell.Domain),
            DomainTestMaxSamples = config.DomainTestSamples,
            DomainValidationSamples = validation,
            GeneralValidationSamples = validation,
            BasePerplexities = basePerplexities,
            TaskPaths = TaskPathsOf(job, config.Data, cell.Domain),
            BaseTaskScores = baseTaskScores,
        };
    }

    /// <summary>The teacher cache the cell's runs read: the kind its options ask for, when its method has a teacher; null: none.</summary>
    public static Teachers.TeacherCacheKind? CacheKindOf(SweepCell cell) => cell.NeedsTeacher ? cell.Options.Trainer.TeacherCache() : null;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
