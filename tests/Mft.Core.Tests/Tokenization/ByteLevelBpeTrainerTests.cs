using Mft.Tokenization;

namespace Mft.Tests.Tokenization;

public sealed class ByteLevelBpeTrainerTests
{
    [Fact]
    public void Should_merge_the_most_frequent_pair_first()
    {
        // Given words where "a a" is the most frequent adjacent pair (by hand: 'aaab' x3 gives (a,a) 6 times)
        var result = ByteLevelBpeTrainer.Train(["aaab aaab aaab xy"], vocabSize: 260, minFrequency: 1);
        // Then
        Assert.Equal(((int)'a', (int)'a'), result.Merges[0]);
        Assert.Equal("aa"u8.ToArray(), result.Tokens[256]);
        Assert.Equal(259, result.EndOfTextId);
    }

    [Fact]
    public void Should_produce_a_tokenizer_json_that_huggingface_reads_and_that_roundtrips()
    {
        // Given
        var docs = Enumerable.Range(0, 50).Select(i => $"The quick brown fox {i} jumps over the lazy dog. Café naïve {i * 3}!").ToList();
        var result = ByteLevelBpeTrainer.Train(docs, vocabSize: 400);
        var dir = TempDir.Create("bpe");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), result.ToTokenizerJson().ToJsonString());
        // When
        using var tok = HfTokenizer.Load(dir);
        // Then merges are used and text roundtrips, unseen text included
        Assert.Equal(result.EndOfTextId + 1, tok.VocabSize);
        Assert.InRange(tok.VocabSize, 300, 400);      // stops early when no pair occurs twice
        var ids = tok.Encode("The quick brown fox jumps over the lazy dog.");
        Assert.True(ids.Length < 20, $"{ids.Length} tokens");
        foreach (var text in HfTokenizerTests.VariedText) Assert.Equal(text, tok.Decode(tok.Encode(text)));
    }
}
