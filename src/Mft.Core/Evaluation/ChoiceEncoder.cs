using Mft.Data;
using Mft.Tokenization;

namespace Mft.Evaluation;

/// <summary>
/// An item's (context, choice) pairs as scored sequences, tokenized as lm-evaluation-harness tokenizes a loglikelihood
/// request: whitespace at the end of the context moves to the front of the choice; the context is encoded alone and
/// the context and choice together, and the choice's tokens are those of the concatenation after the context's (so a
/// token that merges across the boundary is scored as the choice's). A sequence starts with bos where the tokenizer
/// adds it (<see cref="SpecialTokens.LeadingBos"/>, as <see cref="SampleEncoder"/> does); an empty context with no bos is
/// given eos as its context, as lm-eval gives it the end-of-text token. A sequence longer than <c>context</c> tokens
/// loses tokens from the left (lm-eval keeps max_length + 1 tokens, the last unscored: one context token more).
/// </summary>
public static class ChoiceEncoder
{
    /// <summary>One sequence per choice, in order; its score mask marks the choice's tokens.</summary>
    public static IEnumerable<TokenSequence> Encode(ITextTokenizer tokenizer, ChoiceItem item, int context)
    {
        if (context < 2) throw new ArgumentOutOfRangeException(nameof(context), "context must be at least 2");
        string at = item.Source.Length > 0 ? item.Source : "a task item";
        string text = item.Context.TrimEnd();
        string moved = item.Context[text.Length..];
        var prefix = new List<int>();
        if (tokenizer.Special.LeadingBos is int bos) prefix.Add(bos);
        else if (text.Length == 0)
            prefix.Add(tokenizer.Special.EosId ?? throw new MftException($"{at}: an empty context needs a bos or eos token to condition on, and the tokenizer has neither"));
        var contextIds = prefix.Concat(tokenizer.Encode(text)).ToArray();
        for (int c = 0; c < item.Choices.Count; c++)
        {
            var whole = prefix.Concat(tokenizer.Encode(text + moved + item.Choices[c])).ToArray();
            int scored = whole.Length - contextIds.Length;
            if (scored < 1) throw new MftException($"{at}: choice {c} adds no token to the context");
            if (scored > context - 1)
                throw new MftException($"{at}: choice {c} is {scored} tokens, more than the {context - 1} a context of {context} can score");
            var ids = whole.Length > context ? whole[^context..] : whole;
            var mask = new int[ids.Length];
            for (int i = ids.Length - scored; i < ids.Length; i++) mask[i] = 1;
            yield return new TokenSequence(ids, mask);
        }
    }
}
