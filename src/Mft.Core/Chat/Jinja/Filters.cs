using System.Globalization;

namespace Mft.Chat.Jinja;

/// <summary>The filters (<c>value | name(args)</c>) chat templates use.</summary>
internal static partial class Builtins
{
    public static object? ApplyFilter(string name, object? v, CallArgs a)
    {
        switch (name)
        {
            case "safe": return v;
            case "default" or "d":
                var fallback = a.Positional.Count > 0 ? a.Positional[0] : "";
                bool boolean = Value.Truthy(a.At(1, "boolean"));
                return v is Undefined || (boolean && !Value.Truthy(v)) ? fallback : v;
            case "tojson":
                return Json.Serialize(v, new JsonOptions(
                    Indent: a.At(0, "indent") is long indent ? (int)Math.Clamp(indent, 0, TemplateLimits.MaxLength + 1L) : null,
                    EnsureAscii: Value.Truthy(a.Keyword.GetValueOrDefault("ensure_ascii")),
                    SortKeys: Value.Truthy(a.Keyword.GetValueOrDefault("sort_keys")),
                    ItemSeparator: a.Keyword.GetValueOrDefault("separators") is List<object?> { Count: 2 } sep1 ? sep1[0] as string : null,
                    KeySeparator: a.Keyword.GetValueOrDefault("separators") is List<object?> { Count: 2 } sep2 ? sep2[1] as string : null));
            case "string": return v is string ? v : Value.Render(v);
            case "length" or "count":
                return v switch
                {
                    string s => (long)s.Length,
                    List<object?> l => (long)l.Count,
                    Dict d => (long)d.Count,
                    Undefined => 0L,
                    _ => throw FilterError(name, v),
                };
            case "upper" or "lower" or "title" or "capitalize" or "trim":
                if (v is not string str) throw FilterError(name, v);
                return name switch
                {
                    "upper" => str.ToUpperInvariant(),
                    "lower" => str.ToLowerInvariant(),
                    "title" => Title(str),
                    "capitalize" => Capitalize(str),
                    _ => a.At(0, "chars") is string chars ? Strip(str, a, true, true) : JsText.Trim(str),
                };
            case "replace":
                if (v is not string target) throw FilterError(name, v);
                return Replace(target, a.At(0, "old"), a.At(1, "new"), a.At(2, "count"));
            case "indent": return Indent(v, a);
            case "int" or "float": return ToNumber(name, v, a);
            case "abs":
                return v switch { long l => (object)Math.Abs(l), double d => Math.Abs(d), _ => throw FilterError(name, v) };
            case "join":
                var sepText = a.At(0, "d") is string js ? js : "";
                var parts = v switch
                {
                    List<object?> l => l,
                    string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
                    _ => throw FilterError(name, v),
                };
                if (a.Keyword.GetValueOrDefault("attribute") is string joinAttr) parts = parts.Select(p => GetMember(p, joinAttr)).ToList();
                var texts = parts.Select(Value.Concat).ToList();
                TemplateLimits.CheckLength(texts.Sum(t => (long)t.Length) + (long)sepText.Length * Math.Max(0, texts.Count - 1), "the result of join()");
                return string.Join(sepText, texts);
            case "first" or "last":
                var seq = AsList(name, v);
                if (seq.Count == 0) return Undefined.Instance;
                return name == "first" ? seq[0] : seq[^1];
            case "list": return AsList(name, v).ToList();
            case "reverse":
                if (v is string rs) return string.Concat(rs.EnumerateRunes().Reverse().Select(r => r.ToString()));
                var reversed = AsList(name, v).ToList();
                reversed.Reverse();
                return reversed;
            case "items":
                if (v is Undefined) return new List<object?>();
                return v is Dict items ? Items(items) : throw FilterError(name, v);
            case "dictsort":
                if (v is not Dict toSort) throw FilterError(name, v);
                return Items(toSort).OrderBy(p => (string)((List<object?>)p!)[0]!, StringComparer.OrdinalIgnoreCase).ToList();
            case "unique":
                var unique = new List<object?>();
                foreach (var item in AsList(name, v)) if (!unique.Any(u => Operators.AreEqual(u, item))) unique.Add(item);
                return unique;
            case "selectattr" or "rejectattr": return SelectAttr(name, v, a);
            case "map": return Map(v, a);
            default: throw new TemplateError($"unknown filter '{name}'");
        }
    }

    private static TemplateError FilterError(string name, object? v) => new($"filter '{name}' cannot be applied to {Interpreter.Article(v)}");

    private static List<object?> AsList(string name, object? v) => v switch
    {
        List<object?> l => l,
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        Dict d => d.Keys.Cast<object?>().ToList(),
        _ => throw FilterError(name, v),
    };

    private static object Indent(object? v, CallArgs a)
    {
        if (v is not string s) throw FilterError("indent", v);
        var width = a.At(0, "width");
        if (width is long w) TemplateLimits.CheckLength(w, "an indent() width");
        string pad = width switch { long n => new string(' ', (int)Math.Max(0, n)), string p => p, Undefined => "    ", _ => throw FilterError("indent", width) };
        bool first = Value.Truthy(a.At(1, "first")), blank = Value.Truthy(a.At(2, "blank"));
        var lines = s.Split('\n');
        TemplateLimits.CheckLength(s.Length + (long)pad.Length * lines.Length, "the result of indent()");
        for (int i = 0; i < lines.Length; i++)
            if ((i > 0 || first) && (blank || lines[i].Length > 0)) lines[i] = pad + lines[i];
        return string.Join('\n', lines);
    }

    private static object? ToNumber(string name, object? v, CallArgs a)
    {
        object? fallback = a.At(0, "default") is var d and not Undefined ? d : name == "int" ? (object)0L : 0.0;
        switch (v)
        {
            case long l: return name == "int" ? (object)l : (double)l;
            case double x: return name == "int" ? (object)(long)Math.Truncate(x) : x;
            case bool b: return name == "int" ? (object)(b ? 1L : 0L) : (b ? 1.0 : 0.0);
            case string s:
                var t = s.Trim();
                if (name == "int" && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var li)) return li;
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var dv)) return name == "int" ? (object)(long)Math.Truncate(dv) : dv;
                return fallback;
            default: return fallback;
        }
    }

    private static List<object?> SelectAttr(string name, object? v, CallArgs a)
    {
        if (v is Undefined) return [];
        bool select = name == "selectattr";
        if (a.At(0, "attribute") is not string attr) throw new TemplateError($"{name} needs an attribute name");
        var testName = a.Positional.Count > 1 ? a.Positional[1] as string : null;
        var testArgs = new CallArgs(a.Positional.Skip(2).ToList(), new Dict());
        var result = new List<object?>();
        foreach (var item in AsList(name, v))
        {
            var value = GetMember(item, attr);
            bool passed = testName is null ? Value.Truthy(value) : ApplyTest(testName, value, testArgs);
            if (passed == select) result.Add(item);
        }
        return result;
    }

    private static List<object?> Map(object? v, CallArgs a)
    {
        if (v is Undefined) return [];
        var items = AsList("map", v);
        if (a.Keyword.GetValueOrDefault("attribute") is string attr)
        {
            var fallback = a.Keyword.TryGetValue("default", out var d) ? d : Undefined.Instance;
            return items.Select(i => GetMember(i, attr) is var m and not Undefined ? m : fallback).ToList();
        }
        if (a.Positional.Count > 0 && a.Positional[0] is string filter)
        {
            var rest = new CallArgs(a.Positional.Skip(1).ToList(), a.Keyword);
            return items.Select(i => ApplyFilter(filter, i, rest)).ToList();
        }
        throw new TemplateError("map needs attribute='name' or a filter name");
    }
}
