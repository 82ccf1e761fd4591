using System.Globalization;
using System.Text;
using System.Text.Json;
using Mft.Checkpoints;
using Mft.Runs;

namespace Mft.Jobs;

/// <summary>Writes report.json (<see cref="RunSummary"/>), report.md, the job's options (run_config.yaml) and every setting as resolved (run_config.json) of a finished job.</summary>
public static class RunReport
{
    public static void Write(FinetuneJobConfig config, FinetuneResult r)
    {
        var layout = new RunLayout(config.OutputDirectory);
        RunSummary.Of(config, r).Write(layout.Report);
        AtomicFile.WriteAllText(layout.ResolvedConfig, ResolvedConfigJson(config));
        ReplayConfig.Write(config);
        AtomicFile.WriteAllText(layout.ReportMarkdown, Markdown(config, r));
    }

    /// <summary>run_config.json: every setting of the job as resolved, options or not (property names in snake_case).</summary>
    public static string ResolvedConfigJson(FinetuneJobConfig config) => JsonSerializer.Serialize(config, new JsonSerializerOptions
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, Converters = { EnumOption.JsonConverter },
    });

    public static string Markdown(FinetuneJobConfig config, FinetuneResult r)
    {
        string F(double? x, string fmt = "F3") => x is double v ? v.ToString(fmt, CultureInfo.InvariantCulture) : "-";
        var f = r.Final.Report;
        var sb = new StringBuilder();
        sb.AppendLine($"# {config.Trainer.Method}{(config.Trainer.Kind.UsesTau ? $" (tau {config.Trainer.Tau})" : "")} on {Path.GetFileName(config.DataPath)}");
        sb.AppendLine();
        sb.AppendLine($"{r.TrainSamples} training samples, {r.State.Step} steps, {r.Elapsed.TotalMinutes:F1} min, {EnumOption.Name(r.Precision)}. Model: `{r.ModelDirectory}`.");
        sb.AppendLine();
        sb.AppendLine("| | base | tuned |");
        sb.AppendLine("|---|---|---|");
        sb.AppendLine($"| domain test perplexity | {F(f.DomainBase)} | {F(f.Domain)} |");
        sb.AppendLine($"| general perplexity | {F(f.GeneralBase)} | {F(f.General)} |");
        sb.AppendLine();
        sb.AppendLine($"Specialization S = {F(f.Specialization, "P2")}, degeneralization D = {F(f.Degeneralization, "P2")}, S/D = {f.RatioText}.");
        sb.AppendLine();
        if (r.Tasks.Count > 0)
        {
            sb.AppendLine(TaskMarkdown(r.Tasks));
            sb.AppendLine();
        }
        if (r.TeacherCacheFidelity is { } fidelity)
        {
            sb.AppendLine(fidelity.Markdown(config.Trainer.TeacherCacheTopK));
            sb.AppendLine();
        }
        sb.AppendLine("| step | domain val ppl | domain test ppl | general ppl | S | D |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var p in r.Trajectory)
            sb.AppendLine($"| {p.Step} | {F(p.DomainValidation)} | {F(p.DomainTest)} | {F(p.General)} | {F(p.Report.Specialization, "P2")} | {F(p.Report.Degeneralization, "P2")} |");
        return sb.ToString();
    }

    /// <summary>Per task file: n, and acc and acc_norm of the base and the returned weights, each ± its standard error, and the change.</summary>
    public static string TaskMarkdown(IReadOnlyList<TaskScores> tasks)
    {
        static string A(double x, double se) => string.Create(CultureInfo.InvariantCulture, $"{x:F3} ± {se:F3}");
        static string Change(double x) => string.Create(CultureInfo.InvariantCulture, $"{x:+0.000;-0.000;0.000}");
        var sb = new StringBuilder();
        sb.AppendLine("| task | n | acc base | acc tuned | Δ acc | acc_norm base | acc_norm tuned | Δ acc_norm |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var t in tasks)
            sb.AppendLine($"| {Path.GetFileName(t.Path)} | {t.Base.Items} | {A(t.Base.Accuracy, t.Base.AccuracyStderr)} | {A(t.Tuned.Accuracy, t.Tuned.AccuracyStderr)} | " +
                          $"{Change(t.Tuned.Accuracy - t.Base.Accuracy)} | {A(t.Base.NormalizedAccuracy, t.Base.NormalizedAccuracyStderr)} | " +
                          $"{A(t.Tuned.NormalizedAccuracy, t.Tuned.NormalizedAccuracyStderr)} | {Change(t.Tuned.NormalizedAccuracy - t.Base.NormalizedAccuracy)} |");
        sb.Append("acc: the gold choice has the highest summed log-probability; acc_norm: the same per UTF-8 byte of the choice (docs/evaluation.md). ± one standard error.");
        return sb.ToString();
    }
}
