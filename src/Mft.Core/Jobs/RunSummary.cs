using System.Text.Json;
using System.Text.Json.Serialization;
using Mft.Checkpoints;

namespace Mft.Jobs;

/// <summary>
/// report.json (<see cref="Runs.RunLayout.Report"/>): what a finished run says of itself, written and read by this
/// record only; its keys are the property names in snake_case. Its presence marks a run as finished. Reports written
/// before a key existed still read: a missing key is its default (0, null), except <see cref="TrainSamples"/> and
/// <see cref="ElapsedSeconds"/>, which every report has. <see cref="Tasks"/> is written only by a run that scored tasks.
/// </summary>
public sealed record RunSummary
{
    /// <summary>The objective: ft, mft or kd.</summary>
    public string Method { get; init; } = "";
    /// <summary>The tau of mft; null for other methods.</summary>
    public double? Tau { get; init; }
    /// <summary>Optimizer steps taken.</summary>
    public int Steps { get; init; }
    /// <summary>Domain samples trained on.</summary>
    [JsonRequired] public int TrainSamples { get; init; }
    /// <summary>General-domain samples mixed in (replay).</summary>
    public int ReplaySamples { get; init; }
    /// <summary>The adapter kind (lora, dora, ia3); null for full finetuning.</summary>
    public string? Adapter { get; init; }
    public long TrainableParameters { get; init; }
    /// <summary>Memory held for the teacher beyond the student (<see cref="FinetuneResult.TeacherCopyBytes"/>).</summary>
    public long TeacherCopyBytes { get; init; }
    /// <summary>The step whose weights the run returned (the best one under keep-best).</summary>
    public int FinalStep { get; init; }
    /// <summary>Perplexities of the base and of the returned weights, and the S and D between them (<see cref="Evaluation.SpecializationReport"/>).</summary>
    public double DomainPplBase { get; init; }
    public double DomainPpl { get; init; }
    public double? GeneralPplBase { get; init; }
    public double? GeneralPpl { get; init; }
    public double Specialization { get; init; }
    public double? Degeneralization { get; init; }
    public double? Ratio { get; init; }
    public string RatioText { get; init; } = "";
    /// <summary>Wall time of the whole job.</summary>
    [JsonRequired] public double ElapsedSeconds { get; init; }
    /// <summary>With the top-k teacher cache: its first steps against the exact teacher's.</summary>
    public TeacherCacheFidelity? TeacherCacheFidelity { get; init; }
    /// <summary>The precision the run trained in, fp32 or bf16 (auto resolved); reports written before it existed read fp32.</summary>
    public string Precision { get; init; } = "fp32";
    /// <summary>Each task file's acc and acc_norm (± standard errors) of the base model and of the returned weights; null (no key) when the run scored no tasks, as in reports written before tasks.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TaskScores>? Tasks { get; init; }

    /// <summary>The summary of a job's result.</summary>
    public static RunSummary Of(FinetuneJobConfig config, FinetuneResult r)
    {
        var f = r.Final.Report;
        return new RunSummary
        {
            Method = config.Trainer.Method,
            Tau = config.Trainer.Kind.UsesTau ? config.Trainer.Tau : null,
            Steps = r.State.Step,
            TrainSamples = r.TrainSamples,
            ReplaySamples = r.ReplaySamples,
            Adapter = config.Adapter is { } a ? Adapters.AdapterConfig.Name(a.Kind) : null,
            TrainableParameters = r.TrainableParameters,
            TeacherCopyBytes = r.TeacherCopyBytes,
            FinalStep = r.Final.Step,
            DomainPplBase = f.DomainBase, DomainPpl = f.Domain,
            GeneralPplBase = f.GeneralBase, GeneralPpl = f.General,
            Specialization = f.Specialization, Degeneralization = f.Degeneralization,
            Ratio = f.Ratio, RatioText = f.RatioText,
            ElapsedSeconds = r.Elapsed.TotalSeconds,
            TeacherCacheFidelity = r.TeacherCacheFidelity,
            Precision = EnumOption.Name(r.Precision),
            Tasks = r.Tasks.Count > 0 ? r.Tasks : null,
        };
    }

    /// <summary>Writes the summary to <paramref name="path"/>, atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options));

    /// <summary>Reads a report.json; a missing, cut-short or foreign file is an error naming it (and the key, when one is wrong).</summary>
    public static RunSummary Read(string path)
    {
        if (!File.Exists(path)) throw new MftException($"{path}: not found");
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), Options) ?? throw new MftException($"{path}: empty (null); not a run report");
        }
        catch (JsonException e)
        {
            throw new MftException($"{path}: not a run report ({e.Message}); delete the run's folder to rerun it", e);
        }
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
