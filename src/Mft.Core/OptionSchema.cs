using System.Globalization;
using System.Reflection;
using System.Text;

namespace Mft;

/// <summary>
/// Every option of a config record, found from its <see cref="OptionAttribute"/> and <see cref="OptionGroupAttribute"/>
/// properties: the one definition of a job's options. The command line parses flags with it, <c>--config</c> binds
/// YAML keys with it, run_config.yaml is written with it, and <c>--help</c> lists its keys, help and defaults. Values
/// arrive as text keyed by option key and are parsed by the property's type; a bad one is an <see cref="OptionException"/>
/// naming its key.
/// </summary>
public sealed class OptionSchema
{
    private readonly Dictionary<string, OptionSpec> _byKey;

    public Type RecordType { get; }
    /// <summary>In declaration order, groups where they are declared.</summary>
    public IReadOnlyList<OptionSpec> Options { get; }

    public static OptionSchema Of<T>() => new(typeof(T));

    public OptionSchema(Type recordType)
    {
        RecordType = recordType;
        Options = [.. Walk(recordType, [])];
        _byKey = [];
        foreach (var o in Options)
            if (!_byKey.TryAdd(o.Key, o)) throw new InvalidOperationException($"{recordType.Name}: option key '{o.Key}' is declared twice");
    }

    /// <summary>The option a key or flag names (<c>batch_size</c>, <c>batch-size</c>), or null.</summary>
    public OptionSpec? Find(string key) => _byKey.GetValueOrDefault(key.Replace('-', '_'));

    /// <summary>
    /// A record with every given option set and the rest at their defaults. <paramref name="values"/> maps keys to their
    /// text; a group that may be absent is created by its <see cref="OptionGroupAttribute.CreatedBy"/> option only.
    /// </summary>
    public object Bind(IReadOnlyDictionary<string, string> values) => Apply(Create(RecordType), values);

    /// <summary>
    /// A copy of <paramref name="record"/> with the given options set (the record and its groups are copied, never
    /// changed). An absent group is created as in <see cref="Bind"/>.
    /// </summary>
    public object Apply(object record, IReadOnlyDictionary<string, string> values)
    {
        var root = Clone(record);
        var created = new HashSet<PropertyInfo>();
        foreach (var (key, text) in values)
        {
            var option = Find(key) ?? throw new OptionException(key.Replace('-', '_'), "is not an option");
            object holder = root;
            foreach (var step in option.Path.SkipLast(1))
            {
                var existing = step.GetValue(holder);
                if (existing is null) created.Add(step);
                var child = existing is null ? Create(step.PropertyType) : Clone(existing);
                step.SetValue(holder, child);
                holder = child;
            }
            option.Path[^1].SetValue(holder, Parse(option, text));
        }
        foreach (var group in created)
        {
            if (group.GetCustomAttribute<OptionGroupAttribute>()!.CreatedBy is not { } creator || values.Keys.Any(k => Find(k)!.Key == creator)) continue;
            var stray = Options.First(o => o.Group == group && values.Keys.Any(k => Find(k)!.Key == o.Key));
            throw new OptionException(stray.Key, $"needs {{{creator}}}");
        }
        return root;
    }

    public T Apply<T>(T record, IReadOnlyDictionary<string, string> values) where T : class => (T)Apply((object)record, values);

    public T Bind<T>(IReadOnlyDictionary<string, string> values) => (T)Bind(values);

    /// <summary>The option's value in <paramref name="record"/> as text that <see cref="Bind"/> reads back to it; null when unset (or its group is absent).</summary>
    public static string? Format(OptionSpec option, object record)
    {
        object? value = record;
        foreach (var step in option.Path) value = value is null ? null : step.GetValue(value);
        return FormatValue(value);
    }

    /// <summary>
    /// The default of an option, as text: null when it is unset by default, or when it creates its group (the group is
    /// absent by default); an option of such a group shows the group's own default.
    /// </summary>
    public string? DefaultOf(OptionSpec option)
    {
        if (IsCreator(option)) return null;
        object? value = _defaults ??= Create(RecordType);
        foreach (var step in option.Path) value = step.GetValue(value) ?? (step == option.Path[^1] ? null : Create(step.PropertyType));
        return FormatValue(value);
    }
    private object? _defaults;

    /// <summary>Whether the option creates its group (<see cref="OptionGroupAttribute.CreatedBy"/>): <c>adapter</c>.</summary>
    public static bool IsCreator(OptionSpec option) => option.Group?.GetCustomAttribute<OptionGroupAttribute>()?.CreatedBy == option.Key;

    private static string? FormatValue(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Enum e => EnumOption.Name(e),
        IEnumerable<string> list when value is not string => string.Join(',', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>
    /// The record's options as a YAML mapping that <see cref="Bind"/> reads back to the same record (numbers round-trip,
    /// strings single-quoted), leaving out <paramref name="omit"/> and unset options.
    /// </summary>
    public string ToYaml(object record, IReadOnlySet<string>? omit = null)
    {
        var sb = new StringBuilder();
        foreach (var option in Options)
        {
            if (omit?.Contains(option.Key) == true || Format(option, record) is not { } text) continue;
            var underlying = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            bool quote = underlying == typeof(string) || typeof(IEnumerable<string>).IsAssignableFrom(underlying);
            sb.Append(option.Key).Append(": ").AppendLine(quote ? $"'{text.Replace("'", "''", StringComparison.Ordinal)}'" : text);
        }
        return sb.ToString();
    }

    /// <summary>An option's text as <see cref="Format"/> writes its value (<c>1.0e-3</c> is <c>0.001</c>): equal texts, equal values.</summary>
    public static string Canonical(OptionSpec option, string text) => FormatValue(Parse(option, text)) ?? "";

    /// <summary>The value an option's text stands for, by the option's type.</summary>
    public static object? Parse(OptionSpec option, string text)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        var t = text.Trim();
        if (type == typeof(string)) return text;
        if (type == typeof(bool))
            return t.ToLowerInvariant() switch
            {
                "true" or "yes" => true,
                "false" or "no" => false,
                _ => throw new OptionException(option.Key, $"must be true or false, got '{text}'"),
            };
        if (type == typeof(int))
            return int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
                : throw new OptionException(option.Key, $"must be a whole number, got '{text}'");
        if (type == typeof(long))
            return long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
                : throw new OptionException(option.Key, $"must be a whole number, got '{text}'");
        if (type == typeof(double))
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : throw new OptionException(option.Key, $"must be a number, got '{text}'");
        if (type.IsEnum) return EnumOption.Parse(type, t, option.Key);
        if (typeof(IEnumerable<string>).IsAssignableFrom(type))
            return t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        throw new InvalidOperationException($"option '{option.Key}': no parser for {type.Name}");
    }

    /// <summary>The placeholder of an option's value in <c>--help</c>: the attribute's, or the names an enum accepts.</summary>
    public static string PlaceholderOf(OptionSpec option)
    {
        if (option.Placeholder.Length > 0) return option.Placeholder;
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type.IsEnum) return string.Join('|', Enum.GetValues(type).Cast<Enum>().Select(EnumOption.Name));
        return type == typeof(int) || type == typeof(long) ? "N" : type == typeof(double) ? "X" : "VALUE";
    }

    private static IEnumerable<OptionSpec> Walk(Type type, PropertyInfo[] path)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (p.GetCustomAttribute<OptionAttribute>() is { } o)
                yield return new OptionSpec(o.Key, o.Help, o.Value, p.PropertyType, [.. path, p]);
            else if (p.GetCustomAttribute<OptionGroupAttribute>() is not null)
                foreach (var inner in Walk(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType, [.. path, p]))
                    yield return inner;
        }
    }

    /// <summary>A record at its defaults, with every group that is always there (no <see cref="OptionGroupAttribute.CreatedBy"/>) created.</summary>
    private static object Create(Type type)
    {
        var record = Activator.CreateInstance(type)!;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.GetCustomAttribute<OptionGroupAttribute>() is { CreatedBy: null } && p.GetValue(record) is null)
                p.SetValue(record, Create(p.PropertyType));
        return record;
    }

    /// <summary>A shallow copy of a record (what <c>record with { }</c> makes).</summary>
    private static object Clone(object record) =>
        record.GetType().GetMethod("<Clone>$")?.Invoke(record, null) ?? throw new InvalidOperationException($"{record.GetType().Name} is not a record");
}
