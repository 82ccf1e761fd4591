using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Mft.Chat.Jinja;

/// <summary>Attribute access and the methods of strings and dicts (<c>s.startswith(...)</c>, <c>d.items()</c>).</summary>
internal static partial class Builtins
{
    public static object? GetMember(object? target, object? key)
    {
        switch (target)
        {
            case Dict d:
                if (key is not string k) throw new TemplateError($"a dict key must be a string, not {Interpreter.Article(key)}");
                return d.TryGetValue(k, out var v) ? v : DictMethod(d, k) ?? Undefined.Instance;
            case Namespace ns:
                return key is string a && ns.Attributes.TryGetValue(a, out var nv) ? nv : Undefined.Instance;
            case List<object?> list:
                if (key is long i) return i < -list.Count || i >= list.Count ? Undefined.Instance : list[(int)(i < 0 ? list.Count + i : i)];
                if (key is "length") return (long)list.Count;
                return Undefined.Instance;
            case string s:
                if (key is long j) return j < -s.Length || j >= s.Length ? Undefined.Instance : s[(int)(j < 0 ? s.Length + j : j)].ToString();
                return key is string name ? StringMethod(s, name) ?? Undefined.Instance : Undefined.Instance;
            default:
                return Undefined.Instance;
        }
    }

    private static object? DictMethod(Dict d, string name) => name switch
    {
        "get" => new Callable("get", (a, _) =>
        {
            var key = a.At(0, "key");
            if (key is not string k) throw new TemplateError($"dict.get needs a string key, not {Interpreter.Article(key)}");
            return d.TryGetValue(k, out var v) ? v : a.Positional.Count > 1 ? a.Positional[1] : null;
        }),
        "items" => new Callable("items", (_, _) => Items(d)),
        "keys" => new Callable("keys", (_, _) => d.Keys.Cast<object?>().ToList()),
        "values" => new Callable("values", (_, _) => d.Values.ToList()),
        _ => null,
    };

    private static List<object?> Items(Dict d) => d.Select(e => (object?)new List<object?> { e.Key, e.Value }).ToList();

    private static object? StringMethod(string s, string name) => name switch
    {
        "length" => (long)s.Length,
        "upper" => Method(name, _ => s.ToUpperInvariant()),
        "lower" => Method(name, _ => s.ToLowerInvariant()),
        "title" => Method(name, _ => Title(s)),
        "capitalize" => Method(name, _ => Capitalize(s)),
        "strip" => Method(name, a => Strip(s, a, true, true)),
        "lstrip" => Method(name, a => Strip(s, a, true, false)),
        "rstrip" => Method(name, a => Strip(s, a, false, true)),
        "startswith" => Method(name, a => Affix(s, a.At(0, "prefix"), name, s.StartsWith)),
        "endswith" => Method(name, a => Affix(s, a.At(0, "suffix"), name, s.EndsWith)),
        "split" => Method(name, a => Split(s, a.At(0, "sep"), a.At(1, "maxsplit"))),
        "replace" => Method(name, a => Replace(s, a.At(0, "old"), a.At(1, "new"), a.At(2, "count"))),
        "format" => Method(name, a => Format(s, a)),
        _ => null,
    };

    private static Callable Method(string name, Func<CallArgs, object?> body) => new(name, (a, _) => body(a));

    private static string Title(string s) => WordStart().Replace(s, m => m.Value.ToUpperInvariant());
    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    [GeneratedRegex(@"\b[A-Za-z0-9_]", RegexOptions.ECMAScript)]
    private static partial Regex WordStart();

    /// <summary>Python's strip family: without an argument strips whitespace, with one strips those characters.</summary>
    private static string Strip(string s, CallArgs a, bool start, bool end)
    {
        var chars = a.At(0, "chars");
        if (chars is null or Undefined)
            return start && end ? JsText.Trim(s) : start ? JsText.TrimStart(s) : JsText.TrimEnd(s);
        if (chars is not string set) throw new TemplateError($"strip characters must be a string, not {Interpreter.Article(chars)}");
        int lo = 0, hi = s.Length;
        if (start) while (lo < hi && set.Contains(s[lo])) lo++;
        if (end) while (hi > lo && set.Contains(s[hi - 1])) hi--;
        return s[lo..hi];
    }

    private static bool Affix(string s, object? arg, string name, Func<string, StringComparison, bool> test) => arg switch
    {
        string p => test(p, StringComparison.Ordinal),
        List<object?> options => options.Any(o => o is string p ? test(p, StringComparison.Ordinal) : throw new TemplateError($"{name}() choices must be strings")),
        _ => throw new TemplateError($"{name}() needs a string or a tuple of strings, not {Interpreter.Article(arg)}"),
    };

    private static List<object?> Split(string s, object? sep, object? maxsplit)
    {
        long max = maxsplit is long m ? m : -1;
        var parts = new List<object?>();
        if (sep is null or Undefined)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && JsText.IsSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (max >= 0 && parts.Count >= max) { parts.Add(s[i..]); break; }
                int j = i;
                while (j < s.Length && !JsText.IsSpace(s[j])) j++;
                parts.Add(s[i..j]);
                i = j;
            }
            return parts;
        }
        if (sep is not string separator) throw new TemplateError($"split() separator must be a string, not {Interpreter.Article(sep)}");
        if (separator.Length == 0) throw new TemplateError("split() separator is empty");
        int from = 0;
        while (max < 0 || parts.Count < max)
        {
            int at = s.IndexOf(separator, from, StringComparison.Ordinal);
            if (at < 0) break;
            parts.Add(s[from..at]);
            from = at + separator.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    private static string Replace(string s, object? oldValue, object? newValue, object? count)
    {
        if (oldValue is not string o || newValue is not string n) throw new TemplateError("replace() needs two strings");
        long remaining = count is long c && c >= 0 ? c : long.MaxValue;
        if (remaining == 0) return s;
        var sb = new BoundedText("the result of replace()");
        if (o.Length == 0)
        {
            // Python inserts the replacement before every character and at the end.
            Span<char> utf16 = stackalloc char[2];
            foreach (var rune in s.EnumerateRunes())
            {
                if (remaining-- > 0) sb.Append(n);
                sb.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
            if (remaining > 0) sb.Append(n);
            return sb.ToString();
        }
        int from = 0;
        while (remaining > 0)
        {
            int at = s.IndexOf(o, from, StringComparison.Ordinal);
            if (at < 0) break;
            sb.Append(s.AsSpan(from, at - from)).Append(n);
            from = at + o.Length;
            remaining--;
        }
        return sb.Append(s.AsSpan(from)).ToString();
    }

    /// <summary>Python's <c>str.format</c> for the <c>{}</c>, <c>{0}</c> and <c>{name}</c> fields (no format specs).</summary>
    private static string Format(string s, CallArgs a)
    {
        var sb = new BoundedText("the result of format()");
        int auto = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < s.Length && s[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (c != '{') { sb.Append(c); continue; }
            int close = s.IndexOf('}', i);
            if (close < 0) throw new TemplateError("format(): a '{' is never closed");
            var field = s[(i + 1)..close];
            object? value = field.Length == 0 ? a.At(auto++, "")
                : int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? a.At(index, "")
                : a.Keyword.TryGetValue(field, out var kv) ? kv
                : throw new TemplateError($"format(): no argument named '{field}'");
            sb.Append(Value.Render(value));
            i = close;
        }
        return sb.ToString();
    }
}
