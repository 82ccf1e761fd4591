using System.Globalization;
using System.Text;

namespace Mft.Chat.Jinja;

/// <summary>Options of the <c>tojson</c> filter, named as in Python's <c>json.dumps</c>.</summary>
internal sealed record JsonOptions(int? Indent = null, bool EnsureAscii = false, bool SortKeys = false,
    string? ItemSeparator = null, string? KeySeparator = null);

/// <summary>
/// JSON text of a value, in the format transformers' <c>tojson</c> gives (Python's <c>json.dumps</c> separators,
/// non-ASCII kept) as @huggingface/jinja writes it: <c>", "</c> between items, <c>": "</c> after keys, keys in
/// insertion order, numbers in JavaScript's shortest form. Values nested deeper than
/// <see cref="TemplateLimits.MaxNestingDepth"/> (or a namespace holding itself) and text longer than
/// <see cref="TemplateLimits.MaxLength"/> are errors.
/// </summary>
internal static class Json
{
    public static string Serialize(object? value, JsonOptions options, bool undefinedAsNull = true)
    {
        var sb = new BoundedText("JSON text");
        Write(sb, value, options, 0, undefinedAsNull);
        return sb.ToString();
    }

    private static void Write(BoundedText sb, object? value, JsonOptions o, int depth, bool undefinedAsNull)
    {
        if (depth > TemplateLimits.MaxNestingDepth)
            throw TemplateLimits.Exceeded("a value nested in lists and dicts", "MaxNestingDepth", TemplateLimits.MaxNestingDepth);
        TemplateLimits.CheckLength((long)(o.Indent ?? 0) * (depth + 1), "JSON indentation");
        string itemSep = o.ItemSeparator ?? (o.Indent is > 0 ? "," : ", ");
        string keySep = o.KeySeparator ?? ": ";
        string indent = o.Indent is > 0 ? new string(' ', o.Indent.Value) : "";
        string basePad = "\n" + string.Concat(Enumerable.Repeat(indent, depth));
        string childPad = basePad + indent;
        bool pretty = indent.Length > 0;

        switch (value)
        {
            case null: sb.Append("null"); break;
            case Undefined: sb.Append(undefinedAsNull ? "null" : "undefined"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(double.IsFinite(d) ? Value.JsNumber(d) : "null"); break;
            case string s: WriteString(sb, s, o.EnsureAscii); break;
            case List<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    if (pretty) sb.Append(childPad);
                    Write(sb, list[i], o, depth + 1, undefinedAsNull);
                }
                if (pretty && list.Count > 0) sb.Append(basePad);
                sb.Append(']');
                break;
            case Dict or Namespace:
                var dict = value as Dict ?? ((Namespace)value).Attributes;
                IEnumerable<KeyValuePair<string, object?>> entries = dict;
                if (o.SortKeys) entries = entries.OrderBy(e => e.Key, StringComparer.Ordinal);
                sb.Append('{');
                bool first = true;
                foreach (var (k, v) in entries)
                {
                    if (!first) sb.Append(itemSep);
                    first = false;
                    if (pretty) sb.Append(childPad);
                    WriteString(sb, k, o.EnsureAscii);
                    sb.Append(keySep);
                    Write(sb, v, o, depth + 1, undefinedAsNull);
                }
                if (pretty && dict.Count > 0) sb.Append(basePad);
                sb.Append('}');
                break;
            default:
                throw new TemplateError($"cannot convert a {Value.TypeName(value)} to JSON");
        }
    }

    /// <summary>A JSON string literal escaped like JavaScript's <c>JSON.stringify</c> (lone surrogates as \uXXXX).</summary>
    private static void WriteString(BoundedText sb, string s, bool ensureAscii)
    {
        sb.Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    bool lone = (char.IsHighSurrogate(c) && !(i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
                        || (char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(s[i - 1])));
                    if (c < 0x20 || lone || (ensureAscii && c >= 0x7f)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
