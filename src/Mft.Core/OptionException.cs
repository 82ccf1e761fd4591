namespace Mft;

/// <summary>
/// An option with a bad value, named by its key. Keys are snake_case, as in YAML configs, run_config.yaml and sweep
/// files; the command line spells the same key as a flag (<c>batch_size</c> is <c>--batch-size</c>). Other options the
/// problem mentions are written <c>{key}</c> in the problem. <see cref="Exception.Message"/> names every
/// key as a key (<c>batch_size: must be positive, got 0</c>); <see cref="MftException.AsFlags"/> names them as flags, for
/// the command line.
/// </summary>
public sealed class OptionException : MftException
{
    public OptionException(string key, string problem) : base(key, problem)
    {
        Key = key;
        Problem = Render(problem, k => k);
    }

    public string Key { get; }

    /// <summary>What is wrong, without the key it is about (other keys it names spelt as keys).</summary>
    public string Problem { get; }

    /// <summary>Throws for the first of <paramref name="options"/> with no value: <c>model: is required</c>.</summary>
    public static void RequireGiven(params (string Key, string? Value)[] options)
    {
        foreach (var (key, value) in options)
            if (string.IsNullOrWhiteSpace(value)) throw new OptionException(key, "is required");
    }

    /// <summary>A text naming options as <c>{key}</c> (an option's help) with each spelt as a command-line flag.</summary>
    public static string FlagsIn(string text) => Render(text, Flag);

    /// <summary>A key as a command-line flag: batch_size → --batch-size.</summary>
    public static string Flag(string key) => "--" + key.Replace('_', '-');
}
