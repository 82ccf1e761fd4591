using System.Text.Json;

namespace Mft;

/// <summary>
/// An enum option as users write it: its names in snake_case (<c>cosine</c>, <c>blank_lines</c>), the same in flags,
/// YAML and run_config.json (written with <see cref="JsonConverter"/>). An unknown name is an error naming the key
/// and the names it accepts.
/// </summary>
public static class EnumOption
{
    /// <summary>Writes every enum by its snake_case name, as <see cref="Name{T}"/> does.</summary>
    public static readonly System.Text.Json.Serialization.JsonStringEnumConverter JsonConverter = new(JsonNamingPolicy.SnakeCaseLower);

    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The names an option of this type accepts, in declaration order.</summary>
    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => [.. Enum.GetValues<T>().Select(Name)];

    /// <summary>The value named <paramref name="name"/> (case-insensitive); <paramref name="key"/> names the option in the error.</summary>
    public static T Parse<T>(string? name, string key) where T : struct, Enum => (T)Parse(typeof(T), name, key);

    /// <summary><see cref="Parse{T}"/> for an enum type known at run time.</summary>
    public static Enum Parse(Type enumType, string? name, string key)
    {
        var values = Enum.GetValues(enumType).Cast<Enum>().ToList();
        foreach (var v in values)
            if (string.Equals(Name(v), name?.Trim(), StringComparison.OrdinalIgnoreCase)) return v;
        throw new OptionException(key, $"'{name}' is unknown (expected {string.Join(", ", values.Select(Name))})");
    }

    /// <summary><see cref="Name{T}"/> for an enum value of a type known at run time.</summary>
    public static string Name(Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
