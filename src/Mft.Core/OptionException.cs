using System.Text.RegularExpressions;

namespace Mft;

/// <summary>
/// An option with a bad value, named by its key. Keys are snake_case, as in YAML configs, run_config.yaml and sweep
/// files; the command line spells the same key as a flag (<c>batch_size</c> is <c>--batch-size</c>). Other options the
/// problem mentions are written <c>{key}</c> in <paramref name="problem"/>. <see cref="Exception.Message"/> names every
/// key as a key (<c>batch_size: must be positive, got 0</c>); <see cref="AsFlags"/> names them as flags, for the command
/// line.
/// </summary>
public sealed partial class OptionException(string key, string problem) : MftException(Render(key, problem, k => k))
{
    public string Key { get; } = key;

    /// <summary>The message with every key spelt as a command-line flag: <c>--batch-size: must be positive, got 0</c>.</summary>
    public string AsFlags => Render(Key, problem, Flag);

    /// <summary>What is wrong, without the key it is about (other keys it names spelt as keys).</summary>
    public string Problem => KeyReference().Replace(problem, m => m.Groups[1].Value);

    /// <summary>A key as a command-line flag: batch_size → --batch-size.</summary>
    public static string Flag(string key) => "--" + key.Replace('_', '-');

    private static string Render(string key, string problem, Func<string, string> spell) =>
        $"{spell(key)}: {KeyReference().Replace(problem, m => spell(m.Groups[1].Value))}";

    [GeneratedRegex(@"\{([a-z0-9_]+)\}")]
    private static partial Regex KeyReference();
}
