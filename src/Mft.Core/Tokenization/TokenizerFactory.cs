namespace Mft.Tokenization;

/// <summary>Opens a model directory's tokenizer: tokenizer.json if present, else tokenizer.model.</summary>
public static class TokenizerFactory
{
    public static ITextTokenizer Load(string directory, int? modelVocabSize = null)
    {
        ITextTokenizer tokenizer;
        if (File.Exists(Path.Combine(directory, HfTokenizer.FileName))) tokenizer = HfTokenizer.Load(directory);
        else if (File.Exists(Path.Combine(directory, SentencePieceModelTokenizer.FileName))) tokenizer = SentencePieceModelTokenizer.Load(directory);
        else throw new MftException($"{directory}: no tokenizer.json or tokenizer.model found");
        if (modelVocabSize is int v && tokenizer.VocabSize > v)
        {
            tokenizer.Dispose();
            var file = File.Exists(Path.Combine(directory, HfTokenizer.FileName)) ? HfTokenizer.FileName : SentencePieceModelTokenizer.FileName;
            throw new MftException(
                $"{Path.Combine(directory, file)}: the tokenizer has {tokenizer.VocabSize} ids but the model's vocab_size is {v}: they do not belong together");
        }
        return tokenizer;
    }
}
