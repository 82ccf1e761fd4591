namespace Mft.Tokenization;

/// <summary>
/// Text to token ids and back. <see cref="Encode"/> returns the text's ids only; special tokens such as bos are
/// added by <c>EncodeForModel</c> as the model's tokenizer config says.
/// </summary>
public interface ITextTokenizer : IDisposable
{
    /// <summary>Ids of the text alone, with no special tokens added.</summary>
    int[] Encode(string text);

    /// <summary>Text of the ids, with special tokens (bos, eos, pad) left out.</summary>
    string Decode(IReadOnlyList<int> ids);

    /// <summary>One more than the largest id the tokenizer can produce.</summary>
    int VocabSize { get; }

    SpecialTokens Special { get; }
}

/// <summary>
/// Special-token ids and whether bos/eos are added around encoded text. <see cref="LeadingBos"/> and
/// <see cref="TrailingEos"/> are the one place that decides which of them a text gets, for training, evaluation and
/// generation alike.
/// </summary>
public sealed record SpecialTokens(int? BosId, int? EosId, int? PadId, bool AddBos, bool AddEos)
{
    /// <summary>The bos that starts encoded text, where the tokenizer config adds one.</summary>
    public int? LeadingBos => AddBos ? BosId : null;

    /// <summary>
    /// The eos that ends encoded text: where the tokenizer config adds one, and at the end of every training sample, so
    /// that the model learns where a sample stops. A training sample gets none when eos is also the bos that starts the
    /// next packed sample (one end-of-text token, as in GPT-2 and the embedded model): that token already separates them.
    /// </summary>
    public int? TrailingEos(bool endsTrainingSample = false) =>
        AddEos || (endsTrainingSample && (EosId != BosId || !AddBos)) ? EosId : null;
}

public static class TextTokenizerExtensions
{
    /// <summary>Ids as the model expects them: bos first and eos last where the tokenizer config asks for them (<paramref name="addEos"/> overrides the config's eos).</summary>
    public static int[] EncodeForModel(this ITextTokenizer tokenizer, string text, bool? addEos = null)
    {
        var s = tokenizer.Special;
        int? bos = s.LeadingBos, eos = addEos is bool add ? (add ? s.EosId : null) : s.TrailingEos();
        return [.. bos is int b ? [b] : Array.Empty<int>(), .. tokenizer.Encode(text), .. eos is int e ? [e] : Array.Empty<int>()];
    }
}
