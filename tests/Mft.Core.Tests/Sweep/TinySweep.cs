using Mft.Sweep;

namespace Mft.Tests.Sweep;

/// <summary>Sweep files over the tiny corpus and model (<see cref="TinyCorpus"/>): one domain, a few steps.</summary>
internal static class TinySweep
{
    /// <summary>
    /// A sweep file: <paramref name="train"/> lines are added to (or replace) the tiny train options,
    /// <paramref name="top"/> lines go beside the grid, <paramref name="methods"/> is the methods mapping.
    /// </summary>
    public static string Yaml(string methods, string budgets = "[20, 40]", string seeds = "[0, 1]", string train = "", string top = "", string? data = null) => $"""
        data: {data ?? TinyCorpus.DataFolder()}
        grid: {"{"}domain: [cats], max_samples: {budgets}, seed: {seeds}{"}"}
        domain_test_samples: 10
        {top}
        train:
        {Train(train)}
        methods: {methods}
        """;

    public static SweepConfig Config(string methods, string budgets = "[20, 40]", string seeds = "[0, 1]", string train = "", string top = "") =>
        SweepFile.Parse(Yaml(methods, budgets, seeds, train, top), "tiny.yaml");

    /// <summary>The file written to a folder of its own; returns its path.</summary>
    public static string File(string yaml)
    {
        var path = Path.Combine(TempDir.Create("tiny-sweep"), "sweep.yaml");
        System.IO.File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>The config with one key set, as a command's option sets it.</summary>
    public static SweepConfig With(this SweepConfig config, string key, string value) => SweepOverrides.Apply(config, [KeyValuePair.Create(key, value)]);

    /// <summary>The tiny train options, each of <paramref name="lines"/> replacing the default of its key, indented under train:.</summary>
    private static string Train(string lines)
    {
        var options = new Dictionary<string, string>
        {
            ["model"] = TinyCorpus.ModelDirectory(), ["max_steps"] = "4", ["evaluations"] = "2", ["evaluation_spacing"] = "quadratic", ["batch_size"] = "4",
            ["context"] = "32", ["lr"] = "3.0e-3", ["warmup_steps"] = "5", ["general_max_samples"] = "6", ["eval_batch_size"] = "16",
        };
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':');
            options[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return string.Join("\n", options.Select(o => $"  {o.Key}: {o.Value}"));
    }
}
