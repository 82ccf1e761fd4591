using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mft.Evaluation;

/// <summary>
/// A multiple-choice task file: JSONL, one item a line, <c>{"context": "...", "choices": [" a", " b"], "gold": 1}</c>
/// (exactly these keys; at least two choices, none empty; gold a 0-based index into them). Blank lines are skipped.
/// A bad line is an error naming <c>file:line</c> and what is wrong with it.
/// </summary>
public static class ChoiceTaskFile
{
    private static readonly string[] Keys = ["context", "choices", "gold"];
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<ChoiceItem> Read(string path)
    {
        if (!File.Exists(path)) throw new MftException($"{path}: file not found");
        string[] lines;
        try { lines = File.ReadAllLines(path, new UTF8Encoding(false, throwOnInvalidBytes: true)); }
        catch (DecoderFallbackException e) { throw new MftException($"{path}: invalid UTF-8 ({e.Message})"); }
        var items = new List<ChoiceItem>();
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].Trim().Length > 0) items.Add(Parse(lines[i], $"{path}:{i + 1}"));
        if (items.Count == 0) throw new MftException($"{path}: contains no items (one JSON object a line: context, choices, gold)");
        return items;
    }

    /// <summary>Writes the items one a line, keys in the documented order, non-ASCII text as it is.</summary>
    public static void Write(string path, IEnumerable<ChoiceItem> items)
    {
        var sb = new StringBuilder();
        foreach (var item in items)
            sb.Append(JsonSerializer.Serialize(new { context = item.Context, choices = item.Choices, gold = item.Gold }, WriteOptions)).Append('\n');
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    private static ChoiceItem Parse(string line, string at)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(line); }
        catch (JsonException e) { throw new MftException($"{at}: not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new MftException($"{at}: expected a JSON object with context, choices and gold, got {Kind(root)}");
            var names = root.EnumerateObject().Select(p => p.Name).ToList();
            if (names.FirstOrDefault(n => !Keys.Contains(n)) is { } extra) throw new MftException($"{at}: unknown key \"{extra}\" (an item has context, choices and gold)");
            if (Keys.FirstOrDefault(k => !names.Contains(k)) is { } missing) throw new MftException($"{at}: missing \"{missing}\"");
            if (names.Count != names.Distinct().Count()) throw new MftException($"{at}: a key is given twice");
            var context = root.GetProperty("context");
            if (context.ValueKind != JsonValueKind.String) throw new MftException($"{at}: \"context\" must be a string, got {Kind(context)}");
            var choices = root.GetProperty("choices");
            if (choices.ValueKind != JsonValueKind.Array) throw new MftException($"{at}: \"choices\" must be a list of strings, got {Kind(choices)}");
            var texts = new List<string>();
            foreach (var c in choices.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.String) throw new MftException($"{at}: choice {texts.Count} must be a string, got {Kind(c)}");
                if (c.GetString()!.Trim().Length == 0) throw new MftException($"{at}: choice {texts.Count} is empty");
                texts.Add(c.GetString()!);
            }
            if (texts.Count < 2) throw new MftException($"{at}: needs at least 2 choices, got {texts.Count}");
            var gold = root.GetProperty("gold");
            if (gold.ValueKind != JsonValueKind.Number || !gold.TryGetInt32(out int g))
                throw new MftException($"{at}: \"gold\" must be a whole number (the right choice's 0-based index), got {gold.GetRawText()}");
            if (g < 0 || g >= texts.Count) throw new MftException($"{at}: gold {g} is out of range for {texts.Count} choices (0 to {texts.Count - 1})");
            return new ChoiceItem(context.GetString()!, texts, g) { Source = at };
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };
}
