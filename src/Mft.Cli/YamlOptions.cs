using System.Reflection;
using Spectre.Console.Cli;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mft.Cli;

/// <summary>
/// Expands <c>--config FILE.yaml</c> into command-line options: each top-level key names an option of the
/// command (<c>lr: 3e-4</c> is <c>--lr 3e-4</c>; snake_case works too; <c>true</c> turns a switch on). Options
/// already on the command line win. Unknown keys are rejected, naming the key and the file.
/// </summary>
public static class YamlOptions
{
    /// <summary>The file's options added to <paramref name="args"/>; <paramref name="fromFile"/> gets the keys they came from (snake_case) and the file.</summary>
    public static string[] Expand(string[] args, Type settingsType, Dictionary<string, string>? fromFile = null)
    {
        int at = Array.IndexOf(args, "--config");
        if (at < 0 || at + 1 >= args.Length) return args;
        var path = args[at + 1];
        if (!File.Exists(path)) throw new MftException($"{path}: config file not found");
        var known = KnownOptions(settingsType);
        var given = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a[2..].Split('=')[0]).ToHashSet();
        var extra = new List<string>();
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            if (stream.Documents.Count == 0) return args;
            root = stream.Documents[0].RootNode as YamlMappingNode ?? throw new MftException($"{path}: expected a mapping of option: value");
        }
        catch (YamlException e) { throw new MftException($"{path}: invalid YAML at line {e.Start.Line} ({e.Message})"); }
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!.Replace('_', '-');
            if (!known.TryGetValue(key, out var isSwitch) || key == "config")
                throw new MftException($"{path}: unknown key '{((YamlScalarNode)keyNode).Value}' (line {keyNode.Start.Line})");
            if (given.Contains(key)) continue;
            fromFile?.TryAdd(key.Replace('-', '_'), path);
            if (valueNode is not YamlScalarNode scalar) throw new MftException($"{path}: key '{key}' must have a single value");
            if (isSwitch)
            {
                if (scalar.Value is "true" or "True" or "yes") extra.Add($"--{key}");
                else if (scalar.Value is not ("false" or "False" or "no"))
                    throw new MftException($"{path}: key '{key}' must be true or false, got '{scalar.Value}'");
            }
            else extra.AddRange([$"--{key}", scalar.Value ?? ""]);
        }
        return args.Take(at).Concat(args.Skip(at + 2)).Concat(extra).ToArray();
    }

    /// <summary>Long option names of a settings class and whether each is a switch (takes no value).</summary>
    private static Dictionary<string, bool> KnownOptions(Type settingsType)
    {
        var result = new Dictionary<string, bool>();
        foreach (var p in settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.GetCustomAttribute<CommandOptionAttribute>() is { } o)
                foreach (var name in o.LongNames) result[name] = p.PropertyType == typeof(bool);
        return result;
    }
}
