using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mft.Cli;

/// <summary>
/// A command's arguments bound to its options record through the record's <see cref="OptionSchema"/>: flags
/// (<c>--lr 3e-4</c>, <c>--lr=3e-4</c>, a switch alone: <c>--keep-best</c>; the last of a repeated flag wins), then the keys of a <c>--config</c> YAML
/// file for every option the command line left out (snake_case, or with dashes). Unknown flags and keys are errors
/// naming them (and the file).
/// </summary>
public static class OptionArgs
{
    /// <summary>The record the arguments give; <paramref name="fromFile"/> gets each key the config file set, with the file.</summary>
    public static T Bind<T>(IReadOnlyList<string> args, IDictionary<string, string> fromFile)
    {
        var schema = OptionSchema.Of<T>();
        var values = FromCommandLine(args, schema);
        if (values.TryGetValue("config", out var config))
            foreach (var (key, value) in FromYaml(config, schema))
                if (values.TryAdd(key, value)) fromFile[key] = config;
        return schema.Bind<T>(values);
    }

    /// <summary>The record the arguments give, or null when they ask for help, which is then printed (<see cref="OptionHelp"/>).</summary>
    public static T? BindOrHelp<T>(string command, string description, IReadOnlyList<string> args, IDictionary<string, string> fromFile) where T : class
    {
        if (!args.Any(a => a is "--help" or "-h" or "-?")) return Bind<T>(args, fromFile);
        OptionHelp.Write<T>(command, description);
        return null;
    }

    private static Dictionary<string, string> FromCommandLine(IReadOnlyList<string> args, OptionSchema schema)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new MftException($"Unexpected argument '{arg}' (options are --name value)");
            var (name, inline) = arg.IndexOf('=') is int eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            var option = schema.Find(name) ?? throw new MftException($"Unknown option '{name}'");
            string value;
            if (inline is not null) value = inline;
            else if (option.IsSwitch) value = "true";
            else if (i + 1 < args.Count && !(args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2)) value = args[++i];
            else throw new OptionException(option.Key, "needs a value");
            values[option.Key] = value;   // given twice: the last wins, as with argparse
        }
        return values;
    }

    private static IEnumerable<(string Key, string Value)> FromYaml(string path, OptionSchema schema)
    {
        if (!File.Exists(path)) throw new MftException($"{path}: config file not found");
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            if (stream.Documents.Count == 0) yield break;
            root = stream.Documents[0].RootNode as YamlMappingNode ?? throw new MftException($"{path}: expected a mapping of option: value");
        }
        catch (YamlException e) { throw new MftException($"{path}: invalid YAML at line {e.Start.Line} ({e.Message})"); }
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? "";
            var option = schema.Find(name);
            if (option is null || option.Key == "config") throw new MftException($"{path}: unknown key '{name}' (line {keyNode.Start.Line})");
            yield return (option.Key, valueNode switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode list when typeof(IEnumerable<string>).IsAssignableFrom(option.ValueType) && option.ValueType != typeof(string) =>
                    string.Join(',', list.Children.Select(c => (c as YamlScalarNode)?.Value ?? throw new MftException($"{path}: key '{name}' must list plain names"))),
                _ => throw new MftException($"{path}: key '{name}' must have a single value (line {keyNode.Start.Line})"),
            });
        }
    }
}
