namespace Mft.Chat;

/// <summary>
/// Where the assistant turns are in a rendered conversation, as character spans: each span runs from the end
/// of what the template writes before an assistant reply when asked for a generation prompt, to the end of
/// the template's end-of-turn text after the reply. Found by rendering, so it works for any template without
/// markers: a reply's end is where the whole rendering stops changing when only that reply changes, and its
/// end-of-turn text is what the template writes after the reply when it is the last message.
/// </summary>
public static class AssistantSpans
{
    /// <summary>Private-use characters no conversation is expected to contain.</summary>
    private const string Sentinel = "\uE000mft\uE001";

    public static IReadOnlyList<(int Start, int End)> Find(ChatFormat format, IReadOnlyList<ChatMessage> messages, string rendered, string where)
    {
        var spans = new List<(int, int)>();
        var emptyRendering = new Lazy<string>(() => RenderNothing(format));
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role != "assistant") continue;
            int contentEnd = rendered.Length - CommonSuffix(rendered, format.Render(WithContent(messages, i, messages[i].Content + Sentinel), false));
            var prompt = format.Render(messages.Take(i).ToList(), addGenerationPrompt: true);
            int start = rendered.StartsWith(prompt, StringComparison.Ordinal)
                ? prompt.Length
                : CommonPrefix(rendered, format.Render(WithContent(messages, i, Sentinel + messages[i].Content), false));
            var upToHere = messages.Take(i + 1).ToList();
            var last = format.Render(upToHere, false);
            var lastChanged = format.Render(WithContent(upToHere, i, messages[i].Content + Sentinel), false);
            var endOfTurn = last[(last.Length - CommonSuffix(last, lastChanged))..];
            // A template that writes its generation prompt whatever add_generation_prompt says (the first Llama 3
            // Instruct template did) leaves that header after every last message: it is not part of the turn.
            var dangling = format.Render(messages.Take(i).ToList(), false) == prompt ? emptyRendering.Value : "";
            if (dangling.Length > 0 && endOfTurn.EndsWith(dangling, StringComparison.Ordinal)) endOfTurn = endOfTurn[..^dangling.Length];
            int end = contentEnd + CommonPrefix(rendered[contentEnd..], endOfTurn);
            if (start > contentEnd || start < (spans.Count > 0 ? spans[^1].Item2 : 0))
                throw new MftException($"{where}: the chat template does not write assistant turn {spans.Count + 1} where Mft can find it");
            spans.Add((start, end));
        }
        return spans;
    }

    /// <summary>
    /// What a template writes for no messages at all: for a template whose prompt is the same with and without
    /// add_generation_prompt, that is the generation prompt it writes after every last message.
    /// </summary>
    private static string RenderNothing(ChatFormat format)
    {
        try { return format.Render([], false); }
        catch (MftException) { return ""; }   // templates may reject an empty conversation
    }

    private static List<ChatMessage> WithContent(IReadOnlyList<ChatMessage> messages, int index, string content)
    {
        var copy = messages.ToList();
        copy[index] = copy[index] with { Content = content };
        return copy;
    }

    private static int CommonPrefix(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    private static int CommonSuffix(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length), i = 0;
        while (i < n && a[a.Length - 1 - i] == b[b.Length - 1 - i]) i++;
        return i;
    }
}
