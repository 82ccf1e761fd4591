using System.Text.Json;
using System.Text.Json.Serialization;
using Mft.Jobs;

namespace Mft.Sweep;

/// <summary>
/// A method-comparison grid: <c>train:</c> (any <c>mft train</c> option, with its defaults and checks), a grid over
/// <c>domain</c>, <c>max_samples</c> and <c>seed</c>, and <c>methods:</c>, each a partial override of the train options
/// (see sweeps/embedded.yaml; read by <see cref="SweepFile"/>). Every run of a row is built from the same options, so
/// the methods train on the same rows, for the same steps, and are measured on the same held-out sets; a method may
/// change how it learns only (<see cref="OptionScope"/>). Written to the sweep's folder as sweep.json.
/// </summary>
public sealed record SweepConfig
{
    /// <summary>Folder with general/{train,test}.txt and domains/NAME/{train,test}.txt.</summary>
    public string Data { get; init; } = "data";
    public SweepGrid Grid { get; init; } = new();
    /// <summary>Adds an epoch-matched run of every budget smaller than the largest (<see cref="DataBudget"/>).</summary>
    public bool EpochMatched { get; init; }
    /// <summary>Domain test samples per run, drawn by the seed from the domain's test.txt.</summary>
    public int DomainTestSamples { get; init; } = 100;
    /// <summary>
    /// Validation sets of this many domain and general samples, drawn from the same held-out files as the test sets but
    /// disjoint from them: learning rates and stopping steps are chosen on them only (0: no validation sets).
    /// </summary>
    public int ValidationSamples { get; init; }
    /// <summary>Degeneralization budgets the report chooses within (0.02: general perplexity may rise 2%).</summary>
    public List<double> DegeneralizationBudgets { get; init; } = [0.02, 0.05, 0.10];
    /// <summary>The train options every run shares, by key, as text (<see cref="OptionSchema.Canonical"/>).</summary>
    public Dictionary<string, string> Train { get; init; } = [];
    public List<SweepMethod> Methods { get; init; } = [];

    /// <summary>The schema of a run's options: <c>mft train</c>'s.</summary>
    public static OptionSchema Schema { get; } = OptionSchema.Of<FinetuneJobConfig>();

    [JsonIgnore] public IReadOnlyList<string> Domains => Grid.Domain;
    [JsonIgnore] public IReadOnlyList<int> Budgets => Grid.MaxSamples;
    [JsonIgnore] public IReadOnlyList<int> Seeds => Grid.Seed;

    /// <summary>The options of the method's runs before the sweep places them (no data, rows or output folder yet).</summary>
    public FinetuneJobConfig Template(SweepMethod method) => (FinetuneJobConfig)Schema.Bind(Layered(Train, method.Settings));

    /// <summary>Options by key, each layer's values replacing the earlier layers' (a method's over <c>train:</c>).</summary>
    internal static Dictionary<string, string> Layered(params IEnumerable<KeyValuePair<string, string>>[] layers)
    {
        var values = new Dictionary<string, string>();
        foreach (var (key, value) in layers.SelectMany(l => l)) values[key] = value;
        return values;
    }

    /// <summary>The options every run shares (<c>train:</c> alone).</summary>
    [JsonIgnore] public FinetuneJobConfig Shared => (FinetuneJobConfig)Schema.Bind(Train);

    /// <summary>Steps of a full budget (every budget but the epoch-matched ones).</summary>
    [JsonIgnore] public int Steps => Shared.Trainer.MaxSteps;

    /// <summary>Whether the method is plain finetuning (ft, all weights, no replay): the baseline the untuned reports compare against.</summary>
    public bool IsPlainFinetuning(SweepMethod method) =>
        Template(method) is { Adapter: null, ReplayFraction: 0 } t && t.Trainer.Kind == Objectives.TrainingMethod.Finetuning;

    /// <summary>Whether the method is minifinetuning (its runs have a tau).</summary>
    public bool IsMft(SweepMethod method) => Template(method).Trainer.Kind == Objectives.TrainingMethod.Minifinetuning;

    /// <summary>Every method as it runs: methods with a grid of values expanded into one variant per combination.</summary>
    public IReadOnlyList<SweepMethod> Variants() => [.. Methods.SelectMany(m => m.Variants())];

    /// <summary>The budgets as they run: every budget for <see cref="Steps"/> steps, then the epoch-matched ones when asked for.</summary>
    public IReadOnlyList<DataBudget> DataBudgets()
    {
        var budgets = Budgets.Select(b => new DataBudget(b, Steps, false)).ToList();
        if (EpochMatched)
            budgets.AddRange(Budgets.Where(b => b < Budgets.Max()).Select(b => new DataBudget(b, Math.Max(1, (int)Math.Round(Steps * (double)b / Budgets.Max())), true)));
        return budgets;
    }

    /// <summary>Warm-up steps of a run of <paramref name="budget"/>: <paramref name="warmup"/>, scaled with the steps of an epoch-matched budget.</summary>
    public int WarmupStepsFor(DataBudget budget, int warmup) => budget.Steps == Steps ? warmup : (int)Math.Round(warmup * (double)budget.Steps / Steps);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>sweep.json: this config as the sweep's folder keeps it (<see cref="FromJson"/> reads it back).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The config of a sweep.json; <paramref name="source"/> names it in errors.</summary>
    public static SweepConfig FromJson(string text, string source)
    {
        try { return JsonSerializer.Deserialize<SweepConfig>(text, Json) ?? throw new MftException($"{source}: empty"); }
        catch (JsonException e) { throw new MftException($"{source}: not a sweep config ({e.Message})"); }
    }

    /// <summary>
    /// Throws <see cref="MftException"/> naming <paramref name="source"/> and the first invalid key: the grid, the
    /// train options and every method's options checked as <c>mft train</c> checks them.
    /// </summary>
    public void Validate(string source = "sweep config") => SweepValidation.Check(this, source);
}
