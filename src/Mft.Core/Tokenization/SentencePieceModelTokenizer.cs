namespace Mft.Tokenization;

/// <summary>
/// A SentencePiece <c>tokenizer.model</c>, for models that ship no tokenizer.json, read by
/// Microsoft.ML.Tokenizers. bos/eos ids come from the model file unless tokenizer_config.json names others.
/// </summary>
public sealed class SentencePieceModelTokenizer : ITextTokenizer
{
    public const string FileName = "tokenizer.model";

    private readonly Microsoft.ML.Tokenizers.SentencePieceTokenizer _inner;

    public int VocabSize { get; }
    public SpecialTokens Special { get; }

    private SentencePieceModelTokenizer(Microsoft.ML.Tokenizers.SentencePieceTokenizer inner, SpecialTokens special)
    {
        _inner = inner;
        Special = special;
        VocabSize = inner.Vocabulary.Count == 0 ? 0 : inner.Vocabulary.Values.Max() + 1;
    }

    public static SentencePieceModelTokenizer Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        Microsoft.ML.Tokenizers.SentencePieceTokenizer inner;
        try
        {
            using var stream = File.OpenRead(path);
            inner = Microsoft.ML.Tokenizers.SentencePieceTokenizer.Create(stream, false, false);
        }
        catch (FileNotFoundException) { throw new MftException($"{path}: not found"); }
        catch (Exception e) when (e is not MftException and not OutOfMemoryException)
        {
            throw new MftException($"{path}: not a readable SentencePiece model ({e.Message})");
        }
        var config = TokenizerConfig.Load(directory);
        int? Lookup(string? token) => token is not null && inner.Vocabulary.TryGetValue(token, out var id) ? id : null;
        var special = new SpecialTokens(
            Lookup(config.BosToken) ?? config.BosIdFromModelConfig ?? NonNegative(inner.BeginningOfSentenceId),
            Lookup(config.EosToken) ?? config.EosIdFromModelConfig ?? NonNegative(inner.EndOfSentenceId),
            Lookup(config.PadToken) ?? config.PadIdFromModelConfig,
            config.AddBos ?? true, config.AddEos ?? false);
        return new SentencePieceModelTokenizer(inner, special);
    }

    private static int? NonNegative(int id) => id >= 0 ? id : null;

    public int[] Encode(string text) =>
        text.Length == 0 ? [] : _inner.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false).ToArray();

    public string Decode(IReadOnlyList<int> ids) => _inner.Decode(ids, considerSpecialTokens: false) ?? "";

    public void Dispose() { }
}
