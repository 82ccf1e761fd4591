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
}
