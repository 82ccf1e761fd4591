using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Mft.Sweep;

/// <summary>
/// A method-comparison grid: methods x data budgets x seeds on one or more domains, read from YAML (snake_case
/// keys, e.g. <c>budgets: [500, 2000]</c>; see sweeps/embedded.yaml). Every run trains for the same number of
/// steps, is evaluated at the same quadratically spaced steps, and is measured on the same held-out sets.
/// </summary>
public sealed record SweepConfig
{
    public string Model { get; init; } = "models/base";
    /// <summary>Folder with general/{train,test}.txt and domains/NAME/{train,test}.txt.</summary>
    public string Data { get; init; } = "data";
    public List<string> Domains { get; init; } = ["bible", "jargon"];
    public List<int> Budgets { get; init; } = [500, 2000];
    public List<int> Seeds { get; init; } = [0, 1, 2];
    public List<SweepMethod> Methods { get; init; } = [];
    public int Steps { get; init; } = 60;
    public int Evaluations { get; init; } = 3;
    public int BatchSize { get; init; } = 8;
    public int Context { get; init; } = 128;
    public double Lr { get; init; } = 1e-3;
    public int WarmupSteps { get; init; } = 5;
    public int DomainTestSamples { get; init; } = 100;
    public int GeneralTestSamples { get; init; } = 100;
    /// <summary>
    /// Validation sets of this many domain and general samples, drawn from the same held-out files as the test sets but
    /// disjoint from them: learning rates and stopping steps are chosen on them only (0: no validation sets).
    /// </summary>
    public int ValidationSamples { get; init; }
    /// <summary>Adds an epoch-matched run of every budget smaller than the largest (<see cref="DataBudget"/>).</summary>
    public bool EpochMatched { get; init; }
    /// <summary>
    /// mft and kd runs read their teacher from a top-k cache (<c>--teacher-cache-topk</c>) computed once per domain,
    /// budget, seed and replay, by the teacher pass (<c>mft sweep --teacher-pass</c>, a job array of its own on
    /// Slurm) or by the first run that needs it; 0 runs the teacher at every step.
    /// </summary>
    [YamlMember(Alias = "teacher_cache_topk")]
    public int TeacherCacheTopK { get; init; }
    /// <summary>
    /// mft and kd runs read their teacher from an exact cache of its hidden states, computed once per domain, budget,
    /// seed and replay and shared by every tau and method trained on those rows (the same loss as the online teacher).
    /// On by default; false runs the teacher at every step. teacher_cache_topk, when set, replaces it.
    /// </summary>
    [YamlMember(Alias = "teacher_cache_exact")]
    public bool TeacherCacheExact { get; init; } = true;

    /// <summary>Which cache the runs use: the top-k one when asked for, else the exact one unless turned off.</summary>
    public bool UsesExactTeacherCache => TeacherCacheTopK <= 0 && TeacherCacheExact;
    /// <summary>Degeneralization budgets for choosing tau and step (0.02: general perplexity may rise 2%).</summary>
    public List<double> MaxDegeneralization { get; init; } = [0.02, 0.05, 0.10];

    /// <summary>Every method as it runs: methods with a learning-rate grid expanded into one variant per rate.</summary>
    public IReadOnlyList<SweepMethod> Variants() => [.. Methods.SelectMany(m => m.Variants())];

    /// <summary>The budgets as they run: every budget for <see cref="Steps"/> steps, then the epoch-matched ones when asked for.</summary>
    public IReadOnlyList<DataBudget> DataBudgets()
    {
        var budgets = Budgets.Select(b => new DataBudget(b, Steps, false)).ToList();
        if (EpochMatched)
            budgets.AddRange(Budgets.Where(b => b < Budgets.Max()).Select(b => new DataBudget(b, Math.Max(1, (int)Math.Round(Steps * (double)b / Budgets.Max())), true)));
        return budgets;
    }

    /// <summary>Warm-up steps of a budget: the config's, scaled with the steps of an epoch-matched budget.</summary>
    public int WarmupStepsFor(DataBudget budget) => budget.Steps == Steps ? WarmupSteps : (int)Math.Round(WarmupSteps * (double)budget.Steps / Steps);

    public static SweepConfig Load(string path)
    {
        if (!File.Exists(path)) throw new MftException($"{path}: sweep config not found");
        var config = Parse(File.ReadAllText(path), path);
        config.Validate(path);
        return config;
    }

    /// <summary>A sweep config from YAML text, not yet validated; <paramref name="source"/> names it in errors.</summary>
    public static SweepConfig Parse(string yamlText, string source)
    {
        var yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        try { return yaml.Deserialize<SweepConfig>(yamlText) ?? throw new MftException($"{source}: empty sweep config"); }
        catch (YamlException e)
        {
            var message = (e.InnerException ?? e).Message;
            var unknown = System.Text.RegularExpressions.Regex.Match(message, @"^Property '([^']*)' not found on type '[^']*?(\w+)'");
            throw new MftException(unknown.Success
                ? $"{source}: line {e.Start.Line}: unknown key '{unknown.Groups[1].Value}' in {(unknown.Groups[2].Value == nameof(SweepMethod) ? "a method" : "the sweep")}"
                : $"{source}: line {e.Start.Line}{KeyAt(yamlText, e.Start.Line)}: {Plain(message)}");
        }
    }

    /// <summary>", key 'name'" for the key a block-style YAML line sets, or nothing (a flow mapping's line has several).</summary>
    private static string KeyAt(string yamlText, long line)
    {
        var text = yamlText.Split('\n').ElementAtOrDefault((int)line - 1) ?? "";
        var key = System.Text.RegularExpressions.Regex.Match(text, @"^\s*(?:-\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*:");
        return key.Success ? $", key '{key.Groups[1].Value}'" : "";
    }

    /// <summary>YamlDotNet's type errors in the words of the file: what was expected, not .NET's type names.</summary>
    private static string Plain(string message)
    {
        var format = System.Text.RegularExpressions.Regex.Match(message, @"^The input string '(.*)' was not in a correct format");
        if (format.Success) return $"'{format.Groups[1].Value}' is not a number";
        if (message.Contains("Invalid cast from 'System.String' to 'System.Collections.Generic.List", StringComparison.Ordinal)) return "expected a list ([a, b])";
        if (message.StartsWith("No node deserializer was able to deserialize the node into type System.String", StringComparison.Ordinal))
            return "expected a single value, not a list or a mapping";
        return message;
    }

    public void Validate(string source = "sweep config")
    {
        void Require(bool ok, string what) { if (!ok) throw new MftException($"{source}: {what}"); }
        Require(Domains.Count > 0 && Budgets.Count > 0 && Seeds.Count > 0 && Methods.Count > 0, "give at least one domain, budget, seed and method");
        Require(Budgets.All(b => b > 0), "budgets must be positive sample counts");
        Require(Steps > 0 && Evaluations > 0 && BatchSize > 0 && Context >= 2, "steps, evaluations and batch_size must be positive, context >= 2");
        Require(MaxDegeneralization.All(d => d > 0), "max_degeneralization values must be positive");
        Require(ValidationSamples >= 0, $"validation_samples must be >= 0 (0: no validation sets), got {ValidationSamples}");
        Require(!EpochMatched || Budgets.Distinct().Count() > 1, "epoch_matched needs at least two budgets");
        Require(TeacherCacheTopK >= 0, $"teacher_cache_topk must be >= 0 (0: no cache), got {TeacherCacheTopK}");
        foreach (var m in Methods.Where(m => m.Lrs is not null))
        {
            Require(m.Lr is null, $"method {m.Name}: give lr or lrs, not both");
            Require(m.Lrs!.Count > 0 && m.Lrs.All(lr => lr > 0) && m.Lrs.Distinct().Count() == m.Lrs.Count, $"method {m.Name}: lrs must be distinct positive learning rates");
        }
        Require(Lr > 0 && Methods.All(m => m.Lr is null or > 0), "learning rates must be positive");
        var duplicate = Variants().GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        Require(duplicate is null, $"method name '{duplicate?.Key}' is used twice");
        foreach (var m in Methods)
        {
            Require(!string.IsNullOrWhiteSpace(m.Name) && m.Name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ' ']) < 0, $"method name '{m.Name}' must be a plain file name");
            Require(Objectives.ObjectiveFactory.Methods.Contains(m.Method), $"method {m.Name}: method must be one of {string.Join(", ", Objectives.ObjectiveFactory.Methods)}, got '{m.Method}'");
            Require(!m.IsMft || m.Tau is not null, $"method {m.Name}: mft needs a tau in [0, 1]");
            try { if (m.IsMft) Objectives.TauCorrection.RequireValid(m.Tau!.Value); }
            catch (OptionException e) { throw new MftException($"{source}: method {m.Name}: {e.Message}"); }
            Require(m.ReplayFraction is >= 0 and < 1, $"method {m.Name}: replay_fraction must be in [0, 1)");
            try { m.AdapterConfig()?.Validate(); }
            catch (MftException e) { throw new MftException($"{source}: method {m.Name}: {e.Message}"); }
            ValidateOptions(m, source);
        }
        Mft.Data.CorpusLayout.Check(Data, Domains, needGeneralTrain: Methods.Any(m => m.ReplayFraction > 0));
    }

    /// <summary>A method's <see cref="SweepMethod.Options"/>: train keys the sweep lets a method change, with values a run accepts.</summary>
    private static void ValidateOptions(SweepMethod m, string source)
    {
        if (m.Options is not { Count: > 0 } options) return;
        var train = OptionSchema.Of<Jobs.FinetuneJobConfig>();
        foreach (var key in options.Keys)
        {
            var option = train.Find(key) ?? throw new MftException($"{source}: method {m.Name}: options: '{key}' is not an option of mft train");
            if (!SweepMethod.OverridableKeys.Contains(option.Key))
                throw new MftException($"{source}: method {m.Name}: options: {option.Key} is " + (SweepMethod.OwnKeys.Contains(option.Key)
                    ? "a key of the method itself: give it beside name"
                    : $"set by the sweep for every method alike (a method may change {string.Join(", ", SweepMethod.OverridableKeys.Order())})"));
        }
        try
        {
            var job = new Jobs.FinetuneJobConfig
            {
                ModelDirectory = "model", DataPath = "data", OutputDirectory = "out", Adapter = m.AdapterConfig(),
                Trainer = new Training.TrainerConfig { Method = m.Method, Tau = m.Tau ?? 0 },
            };
            train.Apply(job, options).Validate();
        }
        catch (OptionException e) { throw new MftException($"{source}: method {m.Name}: options: {e.Message}"); }
    }
}
