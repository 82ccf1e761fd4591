namespace Mft.Sweep;

/// <summary>
/// One cell of the grid before it runs: a method on one domain at one data budget with one seed. Its folder
/// (<c>runs/DOMAIN/nBUDGET[-epochs]/seedSEED/METHOD</c>) is its identity: shards are dealt by it. Methods with a teacher
/// (mft, kd) on the same domain, budget, seed and replay share the teacher's cache when the sweep caches it.
/// </summary>
public sealed record SweepCell(string Domain, DataBudget Budget, int Seed, SweepMethod Method)
{
    public string Folder => Path.Combine("runs", Domain, Budget.Folder, $"seed{Seed}", Method.Name);

    public string Label => LabelOf(Domain, Budget, Seed, Method.Name);

    /// <summary>How progress reports name a run.</summary>
    public static string LabelOf(string domain, DataBudget budget, int seed, string method) => $"{domain} {budget.Folder} seed{seed} {method}";

    public bool NeedsTeacher => Objectives.ObjectiveFactory.Create(Method.Method, Method.Tau ?? 0).NeedsTeacher;

    /// <summary>The folder of the teacher cache for this cell's training rows (which depend on domain, budget samples, seed and replay, not on the method or the number of steps).</summary>
    public string TeacherFolder => Path.Combine("teachers", Domain, $"n{Budget.Samples}", $"seed{Seed}", $"replay{Method.ReplayFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>The grid in run order: seed by seed (an interrupted sweep has whole seeds to report), then domain, budget and method.</summary>
    public static IReadOnlyList<SweepCell> Grid(SweepConfig config) =>
        [.. from seed in config.Seeds from domain in config.Domains from budget in config.DataBudgets() from method in config.Variants() select new SweepCell(domain, budget, seed, method)];
}
