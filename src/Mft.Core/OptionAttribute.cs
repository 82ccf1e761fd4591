namespace Mft;

/// <summary>
/// Makes a property of a config record an option, named by its key: snake_case in YAML configs, run_config.yaml and
/// errors (<see cref="OptionException"/>), the same key with dashes as a flag (<c>batch_size</c> is
/// <c>--batch-size</c>). The record's initializer is the option's default; <see cref="OptionSchema"/> reads, parses
/// and writes every option of a record from these attributes alone (as Hugging Face's HfArgumentParser does from a
/// dataclass's fields).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionAttribute(string key) : Attribute
{
    public string Key { get; } = key;
    /// <summary>One line for <c>--help</c>; other options it mentions are written <c>{key}</c> (the command line prints them as flags).</summary>
    public string Help { get; init; } = "";
    /// <summary>The value's placeholder in <c>--help</c> (<c>FILE</c>, <c>N</c>); empty: from the type.</summary>
    public string Value { get; init; } = "";
    /// <summary>What the option decides: whether a sweep method may set it (<see cref="OptionScope.Method"/>, the default).</summary>
    public OptionScope Scope { get; init; } = OptionScope.Method;
    /// <summary>
    /// For a <see cref="OptionScope.Method"/> option that changes the rows a teacher sees (replay): a sweep keeps one
    /// teacher cache per value, in a folder named by this prefix and the value (<c>replay0.25</c>); empty: the option
    /// does not change the teacher's rows.
    /// </summary>
    public string TeacherFolder { get; init; } = "";
    /// <summary>
    /// With <see cref="TeacherFolder"/>: the option names the teacher's folder only when it is not at its default, so the
    /// folders of sweeps that never set it stay as they were (precision: <c>precision-bf16-replay0</c>, and <c>replay0</c> for fp32).
    /// </summary>
    public bool TeacherFolderOmitsDefault { get; init; }
}
