using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Evaluation;
using Mft.Runs;

namespace Mft.Training;

/// <summary>metrics.jsonl in the output folder: one line per step ("type": "step") and per evaluation ("type": "eval").</summary>
public static class MetricsLog
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Append(string outDir, StepMetrics m)
    {
        var node = JsonSerializer.SerializeToNode(m, Options)!.AsObject();
        node["type"] = "step";
        AppendLine(outDir, node);
    }

    public static void AppendEvaluation(string outDir, EvaluationPoint p)
    {
        var node = new JsonObject
        {
            ["type"] = "eval", ["step"] = p.Step,
            ["domain_validation_ppl"] = p.DomainValidation, ["domain_test_ppl"] = p.DomainTest, ["general_ppl"] = p.General,
            ["domain_base_ppl"] = p.Report.DomainBase, ["general_base_ppl"] = p.Report.GeneralBase,
            ["specialization"] = p.Report.Specialization, ["degeneralization"] = p.Report.Degeneralization,
        };
        if (p.Validation is { } v)
        {
            node["domain_validation_base_ppl"] = v.DomainBase;
            if (v.General is not null) (node["general_validation_ppl"], node["general_validation_base_ppl"]) = (v.General, v.GeneralBase);
        }
        AppendLine(outDir, node);
    }

    private static void AppendLine(string outDir, JsonObject node)
    {
        Directory.CreateDirectory(outDir);
        File.AppendAllText(new RunLayout(outDir).Metrics, node.ToJsonString(Options) + "\n");
    }

    /// <summary>Drops lines logged after <paramref name="step"/> (work a resumed run will redo).</summary>
    public static void TruncateAfter(string outDir, int step)
    {
        var path = new RunLayout(outDir).Metrics;
        if (!File.Exists(path)) return;
        var kept = File.ReadAllLines(path).Where(l =>
        {
            try { return JsonNode.Parse(l)?["step"]?.GetValue<int>() <= step; }
            catch (JsonException) { return false; }
        });
        Checkpoints.AtomicFile.WriteAllText(path, string.Concat(kept.Select(l => l + "\n")));
    }

    /// <summary>The training loss logged for <paramref name="step"/>, or null when that step is not in the log.</summary>
    public static double? StepLoss(string outDir, int step)
    {
        var path = new RunLayout(outDir).Metrics;
        if (!File.Exists(path)) return null;
        return File.ReadLines(path).Select(l => JsonNode.Parse(l))
            .Where(n => n?["type"]?.GetValue<string>() == "step" && n["step"]?.GetValue<int>() == step)
            .Select(n => Number(n!["loss"])).LastOrDefault();
    }

    public static IEnumerable<EvaluationPoint> ReadEvaluations(string outDir)
    {
        var path = new RunLayout(outDir).Metrics;
        if (!File.Exists(path)) yield break;
        foreach (var line in File.ReadAllLines(path))
        {
            var n = JsonNode.Parse(line);
            if (n?["type"]?.GetValue<string>() != "eval") continue;
            double? gen = Number(n["general_ppl"]), genBase = Number(n["general_base_ppl"]), genVal = Number(n["general_validation_ppl"]);
            double val = Number(n["domain_validation_ppl"]) ?? double.NaN;
            yield return new EvaluationPoint(n["step"]!.GetValue<int>(), val, Number(n["domain_test_ppl"]) ?? double.NaN, gen,
                new SpecializationReport(Number(n["domain_base_ppl"]) ?? double.NaN, Number(n["domain_test_ppl"]) ?? double.NaN, genBase, gen))
            {
                GeneralValidation = genVal,
                Validation = Number(n["domain_validation_base_ppl"]) is double valBase
                    ? new SpecializationReport(valBase, val, Number(n["general_validation_base_ppl"]), genVal) : null,
            };
        }
    }

    /// <summary>A number as written with named floating-point literals: NaN and infinities are strings.</summary>
    private static double? Number(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new FormatException($"not a number: {node.ToJsonString()}"),
    };
}
