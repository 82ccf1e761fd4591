using Mft.Jobs;

namespace Mft.Sweep;

/// <summary>
/// The checks of a sweep config (<see cref="SweepConfig.Validate"/>), each naming the file and the key: the grid, the
/// train options as <c>mft train</c> checks them, every method's options (which may change how it learns only,
/// <see cref="OptionScope.Method"/>), and each domain's task files.
/// </summary>
internal static class SweepValidation
{
    public static void Check(SweepConfig config, string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new MftException($"{source}: {what}"); }
        var grid = config.Grid;
        Require(grid.Domain.Count > 0 && grid.MaxSamples.Count > 0 && grid.Seed.Count > 0, "grid: give at least one domain, max_samples and seed");
        Require(grid.MaxSamples.All(b => b > 0), "grid: max_samples must be positive sample counts");
        Require(grid.Domain.All(IsPlainName), "grid: a domain must be a plain folder name");
        Require(config.Methods.Count > 0, "methods: give at least one method");
        Require(config.DegeneralizationBudgets.All(d => d > 0), "degeneralization_budgets must be positive");
        Require(config.ValidationSamples >= 0, $"validation_samples must be >= 0 (0: no validation sets), got {config.ValidationSamples}");
        Require(config.DomainTestSamples > 0, $"domain_test_samples must be positive, got {config.DomainTestSamples}");
        Require(!config.EpochMatched || grid.MaxSamples.Distinct().Count() > 1, "epoch_matched needs at least two max_samples in the grid");

        foreach (var key in config.Train.Keys) CheckKey(key, "train", source, methodOnly: false);
        var shared = Checked(() => config.Shared, source, "train");
        Require(shared.Trainer.MaxSteps > 0, "train: max_steps: a sweep trains every method for the same number of steps: give it");
        Require(shared.Trainer.Evaluations > 0 || shared.Trainer.EvalEvery > 0, "train: evaluations: a sweep compares trajectories: give evaluations or eval_every");
        Require(!string.IsNullOrWhiteSpace(shared.ModelDirectory), "train: model is required");
        Checked(() => { Placed(shared).Validate(); return 0; }, source, "train");

        foreach (var m in config.Methods)
        {
            Require(IsPlainName(m.Name), $"method name '{m.Name}' must be a plain file name");
            foreach (var key in m.Settings.Keys.Concat(m.Grid.Keys)) CheckKey(key, $"method {m.Name}", source, methodOnly: true);
            foreach (var (key, values) in m.Grid)
                Require(values.Count > 0 && values.Distinct().Count() == values.Count, $"method {m.Name}: {key}: a list of values must be distinct, and not empty");
        }
        var duplicate = config.Variants().GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        Require(duplicate is null, $"method name '{duplicate?.Key}' is used twice");
        foreach (var v in config.Variants())
        {
            var what = $"method {v.FamilyName}";
            Checked(() => { Placed(config.Template(v)).Validate(); return 0; }, source, what);
        }
        Data.CorpusLayout.Check(config.Data, grid.Domain, needGeneralTrain: config.Variants().Any(v => config.Template(v).ReplayFraction > 0));
        var taskFiles = grid.Domain.SelectMany(d => SweepJobs.TaskPathsOf(shared, config.Data, d)).Distinct();
        try { Evaluation.ChoiceTaskSet.Read(taskFiles); }   // every domain's task files, read and checked before anything runs
        catch (MftException e) { throw new MftException($"{source}: train: tasks: {e.Message}"); }

        T Checked<T>(Func<T> f, string src, string what)
        {
            try { return f(); }
            catch (OptionException e) { throw new MftException($"{src}: {what}: {e.Message}"); }
        }
    }

    /// <summary>
    /// A key of <c>train:</c> or of a method: an option of <c>mft train</c>, not one the sweep sets itself, and for a
    /// method one that says how it learns (<see cref="OptionScope.Method"/>).
    /// </summary>
    private static void CheckKey(string key, string where, string source, bool methodOnly)
    {
        var option = SweepConfig.Schema.Find(key) ?? throw new MftException($"{source}: {where}: '{key}' is not an option of mft train");
        if (SweepJobs.SetBySweep.TryGetValue(option.Key, out var from))
            throw new MftException($"{source}: {where}: {option.Key} is set by the sweep for each run ({from})");
        if (methodOnly && option.Scope != OptionScope.Method)
            throw new MftException($"{source}: {where}: {option.Key} " + option.Scope switch
            {
                OptionScope.Rows => "decides the rows every method trains on: set it in train: (or the grid) for all methods alike",
                OptionScope.Measurement => "decides what is measured and when: set it in train: for all methods alike",
                _ => "is about how the process runs: set it in train: or on the command line",
            });
    }

    /// <summary>Options as a run has them, with stand-ins for the data and folder the sweep sets per cell: what <see cref="FinetuneJobConfig.Validate"/> needs.</summary>
    private static FinetuneJobConfig Placed(FinetuneJobConfig options) => options with
    {
        ModelDirectory = options.ModelDirectory ?? "model", DataPath = "data", OutputDirectory = "out", GeneralPath = "general",
        ReplayPath = options.ReplayFraction > 0 ? "replay" : null,
    };

    private static bool IsPlainName(string name) => !string.IsNullOrWhiteSpace(name) && name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ' ']) < 0 && name is not ("." or "..");
}
