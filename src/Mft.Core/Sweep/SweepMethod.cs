using System.Globalization;
using System.Text.Json.Serialization;

namespace Mft.Sweep;

/// <summary>
/// One column of a sweep: a name and the <c>mft train</c> options it sets on top of the sweep's <c>train:</c>, only
/// those that say how a method learns (<see cref="OptionScope.Method"/>: method, tau, lr, adapter, replay, ...).
/// A key given a list of values (<c>lr: [1.0e-4, 1.0e-3]</c>) makes one variant per value, named
/// <c>NAME@VALUE</c>; the tuned report chooses among them on the validation sets only (<see cref="TunedComparison"/>).
/// </summary>
public sealed record SweepMethod
{
    public required string Name { get; init; }
    /// <summary>Options with one value, by key (as text, as <see cref="OptionSchema"/> writes them).</summary>
    public Dictionary<string, string> Settings { get; init; } = [];
    /// <summary>Options with a list of values, one variant per combination; empty: no variants.</summary>
    public Dictionary<string, List<string>> Grid { get; init; } = [];
    /// <summary>For a variant of a grid: the name of the method it came from; null for a method without a grid.</summary>
    [JsonIgnore] public string? Family { get; init; }

    /// <summary>The method this run belongs to, whichever value of its grid it has.</summary>
    [JsonIgnore] public string FamilyName => Family ?? Name;

    /// <summary>This method, or one variant per combination of its grid's values (the first key varying slowest).</summary>
    public IEnumerable<SweepMethod> Variants()
    {
        if (Grid.Count == 0) return [this];
        IEnumerable<List<(string Key, string Value)>> combinations = [[]];
        foreach (var (key, values) in Grid)
            combinations = combinations.SelectMany(c => values.Select(v => (List<(string, string)>)[.. c, (key, v)]));
        return combinations.Select(c => this with
        {
            Name = Name + string.Concat(c.Select(kv => "@" + ValueName(kv.Value))),
            Settings = new(Settings.Concat(c.Select(kv => KeyValuePair.Create(kv.Key, kv.Value)))),
            Grid = [],
            Family = Name,
        });
    }

    /// <summary>How a value names a variant: numbers to three significant digits (<c>ft@0.0001</c>), text as it is.</summary>
    private static string ValueName(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d.ToString("G3", CultureInfo.InvariantCulture) : value;
}
