namespace Mft.Sweep;

/// <summary>
/// The rows of a sweep: every domain x data budget (<c>max_samples</c>) x seed. Each is a value of what decides the
/// rows a run trains on (<see cref="OptionScope.Rows"/>): the domain's files, <c>max_samples</c> and <c>seed</c> of
/// <c>mft train</c>.
/// </summary>
public sealed record SweepGrid
{
    /// <summary>The keys a grid has, as the sweep file spells them.</summary>
    public static readonly IReadOnlyList<string> Keys = ["domain", "max_samples", "seed"];

    /// <summary>Domains of the corpora folder (domains/NAME/{train,test}.txt).</summary>
    public List<string> Domain { get; init; } = ["bible", "jargon"];
    /// <summary>Data budgets: training samples per run.</summary>
    public List<int> MaxSamples { get; init; } = [500, 2000];
    public List<int> Seed { get; init; } = [0, 1, 2];
}
