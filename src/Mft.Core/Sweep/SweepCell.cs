using Mft.Jobs;

namespace Mft.Sweep;

/// <summary>
/// One cell of the grid before it runs: a method on one domain at one data budget with one seed, with the method's
/// options (<see cref="SweepConfig.Template"/>). Its folder (<see cref="SweepLayout.RunFolder"/>) is its identity:
/// shards are dealt by it. Methods with a teacher (mft, kd) on the same rows share the teacher's cache when the sweep
/// caches it (<see cref="TeacherFolder"/>).
/// </summary>
public sealed record SweepCell(string Domain, DataBudget Budget, int Seed, SweepMethod Method, FinetuneJobConfig Options)
{
    public string Folder => SweepLayout.RunFolder(Domain, Budget, Seed, Method.Name);

    public string Label => LabelOf(Domain, Budget, Seed, Method.Name);

    /// <summary>How progress reports name a run.</summary>
    public static string LabelOf(string domain, DataBudget budget, int seed, string method) => $"{domain} {budget.Folder} seed{seed} {method}";

    public bool NeedsTeacher => Options.Trainer.Kind.NeedsTeacher;

    /// <summary>The folder of the teacher cache for this cell's training rows.</summary>
    public string TeacherFolder => SweepLayout.TeacherFolder(Domain, Budget.Samples, Seed, Options);

    /// <summary>The grid in run order: seed by seed (an interrupted sweep has whole seeds to report), then domain, budget and method.</summary>
    public static IReadOnlyList<SweepCell> Grid(SweepConfig config)
    {
        var methods = config.Variants().Select(m => (Method: m, Options: config.Template(m))).ToList();
        return [.. from seed in config.Seeds from domain in config.Domains from budget in config.DataBudgets() from m in methods
                   select new SweepCell(domain, budget, seed, m.Method, m.Options)];
    }
}
