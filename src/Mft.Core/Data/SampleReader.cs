using System.Text;
using System.Text.Json;

namespace Mft.Data;

/// <summary>How plain-text files are cut into documents.</summary>
public enum TextSplit
{
    /// <summary>Documents are separated by one or more blank lines.</summary>
    BlankLines,
    /// <summary>Every non-empty line is a document.</summary>
    Lines,
}

/// <summary>
/// Reads samples from plain text (documents separated by blank lines, or one per line) or JSONL (each line an
/// object with "text", "prompt" and "completion", or "messages": a conversation of {"role", "content"} turns with
/// at least one assistant turn). Errors name the file and line.
/// </summary>
public static class SampleReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<TextSample> Read(string path, TextSplit split = TextSplit.BlankLines)
    {
        if (!File.Exists(path)) throw new MftException($"{path}: file not found");
        string[] lines;
        try { lines = File.ReadAllLines(path, StrictUtf8); }
        catch (DecoderFallbackException e)
        {
            throw new MftException($"{path}: invalid UTF-8 at line {LineOfInvalidUtf8(path)} ({e.Message})");
        }
        var samples = IsJsonl(path) ? ReadJsonl(path, lines) : ReadText(path, lines, split);
        if (samples.Count == 0) throw new MftException($"{path}: contains no samples (the file is empty or only whitespace)");
        return samples;
    }

    private static bool IsJsonl(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static List<TextSample> ReadText(string path, string[] lines, TextSplit split)
    {
        var samples = new List<TextSample>();
        var current = new StringBuilder();
        int start = 0;
        void Flush()
        {
            if (current.Length > 0) samples.Add(new TextSample("", current.ToString(), $"{path}:{start}"));
            current.Clear();
        }
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (split == TextSplit.Lines)
            {
                if (line.Trim().Length > 0) samples.Add(new TextSample("", line, $"{path}:{i + 1}"));
                continue;
            }
            if (line.Trim().Length == 0) { Flush(); continue; }
            if (current.Length == 0) start = i + 1;
            else current.Append('\n');
            current.Append(line);
        }
        Flush();
        return samples;
    }

    private static List<TextSample> ReadJsonl(string path, string[] lines)
    {
        var samples = new List<TextSample>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var where = $"{path}:{i + 1}";
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e) { throw new MftException($"{where}: invalid JSON ({e.Message})"); }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new MftException($"{where}: expected a JSON object");
                string? Field(string name)
                {
                    if (!root.TryGetProperty(name, out var v)) return null;
                    if (v.ValueKind != JsonValueKind.String) throw new MftException($"{where}: field '{name}' must be a string");
                    return v.GetString();
                }
                if (root.TryGetProperty("messages", out var messages))
                {
                    samples.Add(TextSample.Conversation(ReadMessages(messages, where), where));
                    continue;
                }
                var text = Field("text");
                var prompt = Field("prompt");
                var completion = Field("completion");
                if (text is not null) samples.Add(new TextSample("", text, where));
                else if (prompt is not null && completion is not null) samples.Add(new TextSample(prompt, completion, where));
                else throw new MftException($"{where}: needs a \"text\" field, \"prompt\" and \"completion\", or \"messages\"");
            }
        }
        return samples;
    }

    private static readonly string[] Roles = ["system", "user", "assistant", "tool"];

    private static List<Chat.ChatMessage> ReadMessages(JsonElement messages, string where)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            throw new MftException($"{where}: \"messages\" must be a non-empty array of {{\"role\", \"content\"}} objects");
        var result = new List<Chat.ChatMessage>();
        int n = 0;
        foreach (var m in messages.EnumerateArray())
        {
            n++;
            if (m.ValueKind != JsonValueKind.Object) throw new MftException($"{where}: messages[{n - 1}] is not an object");
            if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String || !Roles.Contains(role.GetString()))
                throw new MftException($"{where}: messages[{n - 1}].role must be one of {string.Join(", ", Roles)}");
            if (!m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw new MftException($"{where}: messages[{n - 1}].content must be a string");
            result.Add(new Chat.ChatMessage(role.GetString()!, content.GetString()!));
        }
        if (!result.Any(m => m.Role == "assistant"))
            throw new MftException($"{where}: the conversation has no assistant turn: nothing to train on or score");
        return result;
    }

    private static int LineOfInvalidUtf8(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int line = 1, i = 0;
        while (i < bytes.Length)
        {
            int len = bytes[i] < 0x80 ? 1 : (bytes[i] & 0xE0) == 0xC0 ? 2 : (bytes[i] & 0xF0) == 0xE0 ? 3 : (bytes[i] & 0xF8) == 0xF0 ? 4 : 0;
            if (len == 0 || i + len > bytes.Length) return line;
            try { StrictUtf8.GetString(bytes, i, len); }
            catch (DecoderFallbackException) { return line; }
            if (bytes[i] == (byte)'\n') line++;
            i += len;
        }
        return line;
    }
}
