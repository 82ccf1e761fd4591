using System.Reflection;

namespace Mft;

/// <summary>One option of a config record: its key, help, value type and the properties that lead to it from the root record.</summary>
public sealed record OptionSpec(string Key, string Help, string Placeholder, Type ValueType, IReadOnlyList<PropertyInfo> Path)
{
    /// <summary>A switch takes no value on the command line (<c>--keep-best</c>).</summary>
    public bool IsSwitch => ValueType == typeof(bool);
    public string Flag => OptionException.Flag(Key);
    /// <summary>The group holding the option (<see cref="OptionGroupAttribute"/>), null at the root.</summary>
    public PropertyInfo? Group => Path.Count > 1 ? Path[^2] : null;
    /// <summary>What the option decides (<see cref="OptionAttribute.Scope"/>).</summary>
    public OptionScope Scope => Declared.Scope;
    /// <summary>The option's attribute, as declared.</summary>
    public OptionAttribute Declared => Path[^1].GetCustomAttribute<OptionAttribute>()!;
}
