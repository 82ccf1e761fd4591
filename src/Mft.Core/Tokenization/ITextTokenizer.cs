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

/// <summary>Special-token ids and whether bos/eos are added around encoded text.</summary>
public sealed record SpecialTokens(int? BosId, int? EosId, int? PadId, bool AddBos, bool AddEos);

public static class TextTokenizerExtensions
{
    /// <summary>Ids as the model expects them: bos first and eos last where the tokenizer config asks for them.</summary>
    public static int[] EncodeForModel(this ITextTokenizer tokenizer, string text, bool? addEos = null)
    {
        var ids = tokenizer.Encode(text);
        var s = tokenizer.Special;
        bool bos = s.AddBos && s.BosId is not null;
        bool eos = (addEos ?? s.AddEos) && s.EosId is not null;
        if (!bos && !eos) return ids;
        var result = new int[ids.Length + (bos ? 1 : 0) + (eos ? 1 : 0)];
        if (bos) result[0] = s.BosId!.Value;
        ids.CopyTo(result, bos ? 1 : 0);
        if (eos) result[^1] = s.EosId!.Value;
        return result;
    }
}
