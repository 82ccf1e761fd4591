namespace Mft.Chat.Jinja;

/// <summary>
/// Variables visible at a point of the template. A <c>for</c> loop and a macro call open a child scope;
/// <c>set</c> writes to the current scope, so a loop's assignments do not leak out of it (use a namespace).
/// </summary>
internal sealed class Scope(Scope? parent = null)
{
    private readonly Scope? _parent = parent;
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public object? Lookup(string name)
    {
        for (var s = this; s is not null; s = s._parent)
            if (s._variables.TryGetValue(name, out var v)) return v;
        return Undefined.Instance;
    }

    public void Set(string name, object? value) => _variables[name] = value;
}
