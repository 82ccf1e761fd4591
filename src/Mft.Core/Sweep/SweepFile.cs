using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mft.Sweep;

/// <summary>
/// Reads a sweep file (YAML, see sweeps/embedded.yaml) into a <see cref="SweepConfig"/>: <c>data</c>, <c>grid</c>
/// (<c>domain</c>, <c>max_samples</c>, <c>seed</c>: lists), <c>epoch_matched</c>, <c>domain_test_samples</c>,
/// <c>validation_samples</c>, <c>degeneralization_budgets</c>, <c>train</c> (any <c>mft train</c> option) and
/// <c>methods</c> (name: the train options it changes; a list of values makes one variant per value). Option values
/// are parsed by <c>mft train</c>'s schema, so they mean what they mean there. Every error names the file, the line and
/// the key.
/// </summary>
public static class SweepFile
{
    /// <summary>Keys of the sweep format before the grid over train options (issue #28), and where they went.</summary>
    private static readonly Dictionary<string, string> Moved = new()
    {
        ["domains"] = "grid: {domain: [...]}", ["budgets"] = "grid: {max_samples: [...]}", ["seeds"] = "grid: {seed: [...]}",
        ["steps"] = "train: {max_steps: N}", ["general_test_samples"] = "train: {general_max_samples: N}",
        ["max_degeneralization"] = "degeneralization_budgets: [...] (the report's budgets)", ["lrs"] = "a method's lr: [...]",
        ["name"] = "methods: {NAME: {...}}", ["options"] = "the method's own keys",
    };

    /// <summary>The sweep file at <paramref name="path"/>, read and checked.</summary>
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
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yamlText)); }
        catch (YamlException e) { throw new MftException($"{source}: line {e.Start.Line}: {(e.InnerException ?? e).Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            throw new MftException($"{source}: empty sweep config");
        var root = Mapping(stream.Documents[0].RootNode, source, "the sweep");
        var config = new SweepConfig();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = KeyOf(keyNode, source);
            var at = new Place(source, value.Start.Line, key);
            config = key switch
            {
                "data" => config with { Data = at.Scalar(value) },
                "grid" => config with { Grid = ReadGrid(value, at) },
                "epoch_matched" => config with { EpochMatched = at.Parse(value, "epoch_matched", typeof(bool)) is true },
                "domain_test_samples" => config with { DomainTestSamples = (int)at.Parse(value, "domain_test_samples", typeof(int))! },
                "validation_samples" => config with { ValidationSamples = (int)at.Parse(value, "validation_samples", typeof(int))! },
                "degeneralization_budgets" => config with { DegeneralizationBudgets = [.. at.List(value).Select(v => (double)at.Parse(v, key, typeof(double))!)] },
                "train" => config with { Train = ReadOptions(value, at, allowGrid: false).Settings },
                "methods" => config with { Methods = ReadMethods(value, at) },
                _ => throw Unknown(keyNode, key, "the sweep", source),
            };
        }
        return config;
    }

    private static SweepGrid ReadGrid(YamlNode node, Place at)
    {
        var grid = new SweepGrid();
        foreach (var (keyNode, value) in Mapping(node, at.Source, "grid").Children)
        {
            var key = KeyOf(keyNode, at.Source);
            var here = at with { Line = value.Start.Line, Key = key };
            var items = here.List(value);
            grid = key switch
            {
                "domain" => grid with { Domain = [.. items.Select(here.Scalar)] },
                "max_samples" => grid with { MaxSamples = [.. items.Select(v => (int)here.Option(v, "max_samples")!)] },
                "seed" => grid with { Seed = [.. items.Select(v => (int)here.Option(v, "seed")!)] },
                _ => throw Unknown(keyNode, key, "the grid (domain, max_samples, seed)", at.Source),
            };
        }
        return grid;
    }

    private static List<SweepMethod> ReadMethods(YamlNode node, Place at)
    {
        var methods = new List<SweepMethod>();
        foreach (var (keyNode, value) in Mapping(node, at.Source, "methods").Children)
        {
            var name = KeyOf(keyNode, at.Source);
            var (settings, grid) = value is YamlScalarNode { Value: null or "" } ? ([], []) : ReadOptions(value, at with { Line = value.Start.Line, Key = name }, allowGrid: true);
            methods.Add(new SweepMethod { Name = name, Settings = settings, Grid = grid });
        }
        return methods;
    }

    /// <summary>Train options by key, as canonical text; with <paramref name="allowGrid"/>, a list for a single-valued option is a grid of values.</summary>
    private static (Dictionary<string, string> Settings, Dictionary<string, List<string>> Grid) ReadOptions(YamlNode node, Place at, bool allowGrid)
    {
        var settings = new Dictionary<string, string>();
        var grid = new Dictionary<string, List<string>>();
        foreach (var (keyNode, value) in Mapping(node, at.Source, at.Key).Children)
        {
            var key = KeyOf(keyNode, at.Source);
            var option = SweepConfig.Schema.Find(key)
                ?? throw new MftException($"{at.Source}: line {keyNode.Start.Line}: '{key}' in {at.Key} is not an option of mft train{Hint(key)}");
            var here = at with { Line = value.Start.Line, Key = option.Key };
            bool isList = typeof(IEnumerable<string>).IsAssignableFrom(Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) && option.ValueType != typeof(string);
            if (value is YamlSequenceNode sequence && !isList)
            {
                if (!allowGrid) throw here.Error("one value per option here (a list of values makes variants of a method, under methods:)");
                grid[option.Key] = [.. sequence.Children.Select(v => here.Canonical(option, here.Scalar(v)))];
            }
            else settings[option.Key] = here.Canonical(option, value is YamlSequenceNode list ? string.Join(',', list.Children.Select(here.Scalar)) : here.Scalar(value));
        }
        return (settings, grid);
    }

    private static YamlMappingNode Mapping(YamlNode node, string source, string what) => node as YamlMappingNode
        ?? throw new MftException($"{source}: line {node.Start.Line}: {what} must be a mapping (key: value)");

    private static string KeyOf(YamlNode node, string source) => node is YamlScalarNode { Value: { Length: > 0 } key } ? key
        : throw new MftException($"{source}: line {node.Start.Line}: a key must be a name");

    private static MftException Unknown(YamlNode keyNode, string key, string where, string source) =>
        new($"{source}: line {keyNode.Start.Line}: unknown key '{key}' in {where}{Hint(key)}");

    /// <summary>Where a key of the old format went, or that an option of mft train goes under train:.</summary>
    private static string Hint(string key) =>
        Moved.TryGetValue(key, out var to) ? $" (now {to})"
        : SweepConfig.Schema.Find(key) is not null ? " (an option of mft train: put it under train:)"
        : "";

    /// <summary>Where a value is: the file, its line and the key it belongs to.</summary>
    private sealed record Place(string Source, long Line, string Key)
    {
        public MftException Error(string problem) => new($"{Source}: line {Line}, key '{Key}': {problem}");

        public string Scalar(YamlNode node) => node is YamlScalarNode s ? s.Value ?? ""
            : throw (this with { Line = node.Start.Line }).Error("expected a single value, not a list or a mapping");

        public IReadOnlyList<YamlNode> List(YamlNode node) => node is YamlSequenceNode s ? s.Children.ToList()
            : throw Error("expected a list ([a, b])");

        /// <summary>A value of a sweep key, parsed as an option of its type would be.</summary>
        public object? Parse(YamlNode node, string key, Type type) =>
            Option(node, new OptionSpec(key, "", "", type, []));

        /// <summary>A value of the train option <paramref name="key"/>.</summary>
        public object? Option(YamlNode node, string key) => Option(node, SweepConfig.Schema.Find(key)!);

        private object? Option(YamlNode node, OptionSpec option)
        {
            try { return OptionSchema.Parse(option, Scalar(node)); }
            catch (OptionException e) { throw (this with { Line = node.Start.Line }).Error(e.Problem); }
        }

        public string Canonical(OptionSpec option, string text)
        {
            try { return OptionSchema.Canonical(option, text); }
            catch (OptionException e) { throw Error(e.Problem); }
        }
    }
}
