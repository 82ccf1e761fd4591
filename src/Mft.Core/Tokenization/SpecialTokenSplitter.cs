namespace Mft.Tokenization;

/// <summary>
/// Splits text around tokens that are matched whole (control pieces and added tokens), as transformers splits
/// on added tokens before the model's own tokenizer sees the text: the longest token starting leftmost wins.
/// </summary>
public sealed class SpecialTokenSplitter
{
    private readonly Dictionary<string, int> _tokens;
    private readonly Dictionary<char, int> _longestByFirstChar = new();

    public SpecialTokenSplitter(IReadOnlyDictionary<string, int> tokens)
    {
        _tokens = new Dictionary<string, int>(tokens, StringComparer.Ordinal);
        foreach (var t in _tokens.Keys.Where(t => t.Length > 0))
            _longestByFirstChar[t[0]] = Math.Max(_longestByFirstChar.GetValueOrDefault(t[0]), t.Length);
    }

    public bool TryGet(string token, out int id) => _tokens.TryGetValue(token, out id);

    /// <summary>The text as (plain chunk, null) and (token, its id) parts, in order; empty chunks are left out.</summary>
    public IEnumerable<(string Text, int? Id)> Split(string text)
    {
        int chunkStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!_longestByFirstChar.TryGetValue(text[i], out var longest)) continue;
            for (int length = Math.Min(longest, text.Length - i); length > 0; length--)
            {
                if (!_tokens.TryGetValue(text.Substring(i, length), out var id)) continue;
                if (i > chunkStart) yield return (text[chunkStart..i], null);
                yield return (text.Substring(i, length), id);
                i += length - 1;
                chunkStart = i + 1;
                break;
            }
        }
        if (chunkStart < text.Length) yield return (text[chunkStart..], null);
    }
}
