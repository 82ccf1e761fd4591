using System.Globalization;
using System.Text.Json.Serialization;
using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
using Mft.Teachers;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>
/// The top-k teacher cache's fidelity check, which every run that trains with the cache prints in its report: the
/// run's first steps are repeated from the same starting weights with the exact teacher (the online frozen copy, or
/// the base with adapters off), up to the run's first evaluation after the base model, and the two are compared there:
/// the loss of step 1 and degeneralization D. The cache keeps the teacher's top-k, the label and a tail bucket; on a
/// high-entropy teacher that changes what MFT learns (docs/performance.md), and this says by how much on the user's own
/// model and data. Cost: that many extra steps and one evaluation (with only a final evaluation, one whole extra run).
/// </summary>
/// <param name="Step">The step compared at: the run's first evaluation after the base.</param>
/// <param name="CachedFirstLoss">The loss of step 1 with the cache.</param>
/// <param name="ExactFirstLoss">The loss of step 1 with the exact teacher.</param>
/// <param name="CachedDegeneralization">D at <paramref name="Step"/> with the cache.</param>
/// <param name="ExactDegeneralization">D at <paramref name="Step"/> with the exact teacher.</param>
public sealed record TeacherCacheFidelity(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("first_step_loss_cached")] double CachedFirstLoss,
    [property: JsonPropertyName("first_step_loss_exact")] double ExactFirstLoss,
    [property: JsonPropertyName("degeneralization_cached")] double? CachedDegeneralization,
    [property: JsonPropertyName("degeneralization_exact")] double? ExactDegeneralization)
{
    /// <summary>D with the cache beyond this multiple of the exact teacher's (and 1 point above it) is flagged in the report.</summary>
    public const double Tolerance = 1.25;

    /// <summary>Whether D with the cache stays within <see cref="Tolerance"/> of the exact teacher's (or within 1 point of it); written to report.json, not read back.</summary>
    [JsonPropertyName("preserved")]
    public bool Preserved => CachedDegeneralization is not double cached || ExactDegeneralization is not double exact
                             || cached <= Math.Max(exact * Tolerance, exact + 0.01);

    /// <summary>
    /// Repeats the first steps of a run with <paramref name="exactTeacher"/>: <paramref name="student"/> must hold the
    /// run's starting weights (a fresh load), <paramref name="cachedHistory"/> and <paramref name="cachedFirstLoss"/>
    /// are the cached run's. Scratch files go to <paramref name="scratchDirectory"/>, deleted afterwards.
    /// </summary>
    public static TeacherCacheFidelity Measure(TrainerConfig config, CausalLM student, ITeacher exactTeacher, IReadOnlyList<TokenSequence> rows,
        SpecializationEvaluator evaluator, IReadOnlyList<EvaluationPoint> cachedHistory, double cachedFirstLoss, string scratchDirectory)
    {
        var exactConfig = config with { TeacherCacheTopK = 0, TeacherCacheExact = false, CheckpointEvery = 0, EarlyStoppingPatience = 0 };
        var probe = new Trainer(exactConfig, student, exactTeacher, rows, evaluator, new RunFolderRecord(scratchDirectory), "teacher-cache-fidelity");
        int step = Trainer.EvaluationSteps(exactConfig, probe.TotalSteps).Where(s => s > 0).DefaultIfEmpty(probe.TotalSteps).Min();
        double exactFirstLoss = double.NaN;
        EvaluationPoint? exactPoint = null;
        using var stop = new CancellationTokenSource();
        probe.StepCompleted += m => { if (m.Step == 1) exactFirstLoss = m.Loss; };
        probe.Evaluated += p => { if (p.Step == step) { exactPoint = p; stop.Cancel(); } };
        try { probe.Run(stop.Token); }
        finally { if (Directory.Exists(scratchDirectory)) Directory.Delete(scratchDirectory, recursive: true); }
        var cachedPoint = cachedHistory.FirstOrDefault(p => p.Step == step);
        return new TeacherCacheFidelity(step, cachedFirstLoss, exactFirstLoss, cachedPoint?.Report.Degeneralization, exactPoint?.Report.Degeneralization);
    }

    /// <summary>The report's paragraph.</summary>
    public string Markdown(int topK)
    {
        string P(double? x) => x is double v ? v.ToString("P2", CultureInfo.InvariantCulture) : "-";
        string L(double x) => x.ToString("F4", CultureInfo.InvariantCulture);
        var text = $"Teacher cache fidelity (top-{topK} cache against the exact teacher, the same first {Step} steps from the same weights): " +
                   $"step-1 loss {L(CachedFirstLoss)} with the cache, {L(ExactFirstLoss)} exact; D at step {Step} {P(CachedDegeneralization)} with the cache, {P(ExactDegeneralization)} exact.";
        return Preserved ? text
            : text + $" **The cache does not preserve MFT here** (D more than {Tolerance}x the exact teacher's): train with --teacher-cache-exact instead.";
    }
}
