using Mft.Tests.Reference;
using Mft.Tokenization;

namespace Mft.Tests.Tokenization;

public sealed class SentencePieceTokenizerTests
{
    private static string Directory()
    {
        var dir = TempDir.Create("spm");
        SentencePieceFixture.Write(dir);
        return dir;
    }

    [Fact]
    public void Should_agree_between_tokenizer_model_and_tokenizer_json()
    {
        // Given the same SentencePiece BPE as tokenizer.model (Mft's SentencePiece) and tokenizer.json (HF)
        var dir = Directory();
        using var spm = SentencePieceModelTokenizer.Load(dir);
        using var hf = HfTokenizer.Load(dir);
        foreach (var text in HfTokenizerTests.VariedText.Append("the cat sat on the mat").Append("hello world"))
        {
            // Then both give the same ids, and both prepend <s> for the model
            Assert.Equal(hf.Encode(text), spm.Encode(text));
            Assert.Equal(hf.EncodeForModel(text), spm.EncodeForModel(text));
        }
        Assert.Equal(1, spm.EncodeForModel("hi")[0]);
        Assert.True(spm.Encode("the cat sat on the mat").Length <= 12, "learned merges are used (22 characters)");
        Assert.All(spm.Encode("é").Skip(1), id => Assert.InRange(id, 3, 258));   // "▁", then byte fallback: two UTF-8 byte pieces

    }

    [Fact]
    public void Should_roundtrip_through_both_libraries()
    {
        var dir = Directory();
        using var spm = SentencePieceModelTokenizer.Load(dir);
        using var hf = HfTokenizer.Load(dir);
        foreach (var text in HfTokenizerTests.VariedText.Where(t => t.Trim().Length > 0 && t == t.Trim()))
        {
            Assert.Equal(text, hf.Decode(hf.Encode(text)));
            Assert.Equal(text, spm.Decode(spm.Encode(text)));
        }
    }

    [Fact]
    public void Should_encode_single_characters()
    {
        using var spm = SentencePieceModelTokenizer.Load(Directory());
        Assert.NotEmpty(spm.Encode("x"));
        Assert.NotEmpty(spm.Encode("é"));
    }
}
