using System.Collections;
using System.Globalization;
using System.Text;

namespace Mft.Chat.Jinja;

// Runtime values are plain .NET objects: string, long, double, bool, null (none), Undefined.Instance,
// List<object?> (lists and tuples), Dict (a mapping in insertion order), Namespace and Callable.

/// <summary>The value of a name or attribute that does not exist: renders as nothing, is false, and its attributes are undefined too.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new();
    private Undefined() { }
}

/// <summary>A Jinja mapping, keyed by string, in insertion order.</summary>
internal sealed class Dict : OrderedDictionary<string, object?>
{
    public Dict() : base(StringComparer.Ordinal) { }
}

/// <summary>The mutable object made by <c>namespace(...)</c>, whose attributes <c>{% set ns.attr = ... %}</c> may change.</summary>
internal sealed class Namespace
{
    public Dict Attributes { get; } = new();
}

/// <summary>Evaluated call arguments.</summary>
internal sealed record CallArgs(IReadOnlyList<object?> Positional, Dict Keyword)
{
    public object? At(int index, string name) =>
        index < Positional.Count ? Positional[index] : Keyword.TryGetValue(name, out var v) ? v : Undefined.Instance;
}

/// <summary>A function a template can call: a global such as <c>raise_exception</c>, a method, or a macro.</summary>
internal sealed class Callable(string name, Func<CallArgs, Scope, object?> invoke)
{
    public string Name { get; } = name;
    public object? Invoke(CallArgs args, Scope caller) => invoke(args, caller);
}

/// <summary>Conversions between values and text, and their type names for error messages.</summary>
internal static class Value
{
    public static bool IsUndefined(object? v) => v is Undefined;

    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        Dict d => d.Count > 0,
        _ => true,
    };

    public static string TypeName(object? v) => v switch
    {
        null => "none",
        Undefined => "undefined",
        bool => "boolean",
        long => "integer",
        double => "float",
        string => "string",
        List<object?> => "list",
        Dict => "dict",
        Namespace => "namespace",
        Callable => "function",
        _ => v.GetType().Name,
    };

    /// <summary>How <c>{{ v }}</c> renders a value (none and undefined render as nothing).</summary>
    public static string Render(object? v) => v switch
    {
        null or Undefined => "",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatText(d),
        List<object?> or Dict or Namespace => Json.Serialize(v, new JsonOptions(), undefinedAsNull: false),
        Callable c => $"<function {c.Name}>",
        _ => v.ToString() ?? "",
    };

    /// <summary>The text of a value when concatenated with <c>~</c> or string <c>+</c>.</summary>
    public static string Concat(object? v) => v is double d ? JsNumber(d) : Render(v);

    /// <summary>A float as Jinja prints it: integral values keep a ".0".</summary>
    public static string FloatText(double d)
    {
        if (d == 0 && double.IsNegative(d)) return "-0.0";
        if (double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e21) return JsNumber(d) + ".0";
        return JsNumber(d);
    }

    /// <summary>A number in JavaScript's shortest round-trip form (what JSON output uses): 1, 0.5, 1e+21, 1e-7.</summary>
    public static string JsNumber(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return "0";
        // Find the shortest digits that round-trip.
        string? digits = null;
        int exponent = 0;
        for (int precision = 1; precision <= 17; precision++)
        {
            var s = Math.Abs(d).ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
            if (double.Parse(s, CultureInfo.InvariantCulture) != Math.Abs(d)) continue;
            int e = s.IndexOf('E');
            digits = s[..e].Replace(".", "").TrimEnd('0');
            if (digits.Length == 0) digits = "0";
            exponent = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            break;
        }
        digits ??= "0";
        int k = digits.Length, n = exponent + 1;
        var sb = new StringBuilder(d < 0 ? "-" : "");
        if (k <= n && n <= 21) sb.Append(digits).Append('0', n - k);
        else if (0 < n && n <= 21) sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        else if (-6 < n && n <= 0) sb.Append("0.").Append('0', -n).Append(digits);
        else
        {
            sb.Append(digits[0]);
            if (k > 1) sb.Append('.').Append(digits, 1, k - 1);
            sb.Append('e').Append(n - 1 >= 0 ? "+" : "-").Append(Math.Abs(n - 1));
        }
        return sb.ToString();
    }

    /// <summary>Converts a .NET value from the caller (strings, numbers, booleans, lists, dictionaries) to a runtime value.</summary>
    public static object? FromDotNet(object? v) => v switch
    {
        null => null,
        Undefined or string or bool or long or double or Dict or Namespace or Callable => v,
        int i => (long)i,
        short or byte or sbyte or ushort or uint => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        float f => (double)f,
        decimal m => (double)m,
        ChatMessage m => new Dict { ["role"] = m.Role, ["content"] = m.Content },
        IDictionary dict => ToDict(dict),
        IEnumerable e => e.Cast<object?>().Select(FromDotNet).ToList(),
        _ => throw new ArgumentException($"a chat template cannot take a value of type {v.GetType().Name}"),
    };

    private static Dict ToDict(IDictionary dict)
    {
        var result = new Dict();
        foreach (DictionaryEntry e in dict) result[e.Key.ToString() ?? ""] = FromDotNet(e.Value);
        return result;
    }
}

/// <summary>Whitespace as JavaScript and @huggingface/jinja see it (used by tag trimming and <c>trim</c>).</summary>
internal static class JsText
{
    public static bool IsSpace(char c) => c == '\uFEFF' || (c != '\u0085' && char.IsWhiteSpace(c));

    public static string Trim(string s) => TrimEnd(TrimStart(s));

    public static string TrimStart(string s)
    {
        int i = 0;
        while (i < s.Length && IsSpace(s[i])) i++;
        return s[i..];
    }

    public static string TrimEnd(string s)
    {
        int i = s.Length;
        while (i > 0 && IsSpace(s[i - 1])) i--;
        return s[..i];
    }
}
