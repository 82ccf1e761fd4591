using Mft.Data;
using Mft.Tokenization;
using Mft.Chat;

namespace Mft.Data;

/// <summary>
/// A conversation to (ids, score mask): rendered with the model's chat template, tokenized whole (special tokens
/// written by the template, bos included, become their ids; nothing is added around them, as transformers'
/// <c>apply_chat_template(tokenize=True)</c> does), and scored on the assistant turns only, their end-of-turn
/// tokens included. A token that straddles a span's edge is scored, as transformers' assistant mask does.
/// </summary>
public static class ChatEncoder
{
    public static TokenSequence Encode(ITextTokenizer tokenizer, ChatFormat format, IReadOnlyList<ChatMessage> messages, string where)
    {
        string rendered;
        try { rendered = format.Render(messages, addGenerationPrompt: false); }
        catch (ChatTemplateException e) { throw new MftException($"{where}: {e.Message}"); }
        var spans = AssistantSpans.Find(format, messages, rendered, where);
        var ids = tokenizer.Encode(rendered);
        var mask = new int[ids.Length];
        foreach (var (start, end) in spans)
        {
            int first = TokensBefore(tokenizer, rendered, start, ids, straddlingCounts: false);
            int last = TokensBefore(tokenizer, rendered, end, ids, straddlingCounts: true);
            for (int t = first; t < last; t++) mask[t] = 1;
        }
        if (mask.All(m => m == 0))
            throw new MftException($"{where}: the assistant turns are empty once rendered: nothing to train on");
        return new TokenSequence(ids, mask);
    }

    /// <summary>
    /// How many of the whole text's tokens lie before character <paramref name="position"/>: the tokens of the
    /// text up to there, where they agree with the whole text's. A token crossing the position counts as before
    /// it when <paramref name="straddlingCounts"/>, else as after it.
    /// </summary>
    private static int TokensBefore(ITextTokenizer tokenizer, string text, int position, int[] ids, bool straddlingCounts)
    {
        if (position <= 0) return 0;
        if (position >= text.Length) return ids.Length;
        var prefix = tokenizer.Encode(text[..position]);
        int same = 0;
        while (same < prefix.Length && same < ids.Length && prefix[same] == ids[same]) same++;
        if (same == prefix.Length) return same;              // the position is a token boundary of the whole text
        return straddlingCounts ? Math.Min(same + 1, ids.Length) : same;
    }
}
