using System.Globalization;

namespace Mft.Sweep;

/// <summary>
/// Sets keys of a sweep config by key, as a command's options do (<c>mft demo --lr 3e-4 --domains bible</c>): a grid
/// key (<c>domain</c>, <c>max_samples</c>, <c>seed</c>: comma-separated values), a key of the sweep itself
/// (<c>data</c>, <c>domain_test_samples</c>, <c>validation_samples</c>, <c>epoch_matched</c>), or any option of
/// <c>mft train</c>, set in <c>train:</c> for every method and parsed by its schema. A bad value is an
/// <see cref="OptionException"/> naming its key.
/// </summary>
public static class SweepOverrides
{
    public static SweepConfig Apply(SweepConfig config, IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (key, text) in values)
        {
            config = key switch
            {
                "data" => config with { Data = text },
                "domain" => config with { Grid = config.Grid with { Domain = [.. Items(text, key)] } },
                "max_samples" => config with { Grid = config.Grid with { MaxSamples = [.. Items(text, key).Select(v => Number(v, key))] } },
                "seed" => config with { Grid = config.Grid with { Seed = [.. Items(text, key).Select(v => Number(v, key))] } },
                "domain_test_samples" => config with { DomainTestSamples = Number(text, key) },
                "validation_samples" => config with { ValidationSamples = Number(text, key) },
                "epoch_matched" => config with { EpochMatched = (bool)OptionSchema.Parse(new OptionSpec(key, "", "", typeof(bool), []), text)! },
                _ => config with { Train = new(config.Train) { [TrainKey(key)] = OptionSchema.Canonical(SweepConfig.Schema.Find(key)!, text) } },
            };
        }
        return config;
    }

    private static string TrainKey(string key) =>
        SweepConfig.Schema.Find(key)?.Key ?? throw new OptionException(key.Replace('-', '_'), "is not a key of a sweep or an option of mft train");

    private static string[] Items(string text, string key)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new OptionException(key, "give at least one value (comma-separated)");
    }

    private static int Number(string text, string key) =>
        int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new OptionException(key, $"must be a whole number, got '{text}'");
}
