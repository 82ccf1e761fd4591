using System.Text.Json;
using Mft.Tests.Reference;
using Mft.Tokenization;
using Xunit.Abstractions;

namespace Mft.Tests.Tokenization.SentencePiece;

/// <summary>
/// Mft's SentencePiece encoder against SentencePiece itself (python3-sentencepiece): id for id on tricky strings
/// and on the training corpus, for models trained here with every option SentencePiece has (BPE and unigram,
/// byte fallback or unk, identity and nmt_nfkc normalizers, dummy prefix on and off, extra-whitespace removal on and
/// off, whitespace as suffix, user-defined and control symbols), and for the real Llama 2 and Mistral v0.3 tokenizer.model files.
/// </summary>
public sealed class SentencePieceExactnessTests(ITestOutputHelper output)
{
    public static readonly string[] TrickyStrings =
        JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(SentencePieceReference.Folder, "tricky-strings.json")))!;

    public static TheoryData<string> TrainedVariants() =>
        ["bpe-identity-bytes", "bpe-identity-collapse", "bpe-nfkc-unk", "bpe-no-prefix", "unigram-identity-bytes", "unigram-nfkc", "unigram-suffix"];

    [Theory]
    [MemberData(nameof(TrainedVariants))]
    public void Should_encode_and_decode_as_sentencepiece_does(string variant)
    {
        // Given a model SentencePiece trained with this variant's options, and text it has and has not seen
        var (dir, names) = SentencePieceReference.TrainedModels;
        Assert.Contains(variant, names);
        var model = Path.Combine(dir, variant + ".model");
        var corpus = File.ReadAllLines(Path.Combine(dir, "corpus.txt")).Take(300);
        var texts = TrickyStrings.Concat(corpus).Append("").Append("<tool>x@@y<ctl>").ToArray();

        // When both encode
        using var mft = SentencePieceModelTokenizer.FromFile(model);
        var expected = SentencePieceReference.Encode(model, texts);

        // Then the ids are the same for every text
        for (int i = 0; i < texts.Length; i++)
            Assert.True(expected[i].SequenceEqual(mft.EncodePlain(texts[i])),
                $"{variant}: {JsonSerializer.Serialize(texts[i])}: SentencePiece {JsonSerializer.Serialize(expected[i])}, Mft {JsonSerializer.Serialize(mft.EncodePlain(texts[i]))}");

        // And decoding SentencePiece's ids gives SentencePiece's text
        var decoded = SentencePieceReference.Decode(model, expected);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(decoded[i], mft.Decode(expected[i]));
    }

    public static TheoryData<string> RealModels() => ["llama2", "mistral-v0.3"];

    /// <summary>
    /// The real files are not in the repository (they come from public repositories, not packages): put them
    /// where docs/tokenizers.md says and these run; without them they are reported as skipped.
    /// </summary>
    [RealSentencePieceTheory]
    [MemberData(nameof(RealModels))]
    public void Should_encode_real_models_as_sentencepiece_does(string name)
    {
        // Given the real tokenizer.model and the ids python3-sentencepiece gave for it (committed)
        var model = RealSentencePieceTheoryAttribute.ModelPath(name);
        var expected = JsonSerializer.Deserialize<int[][]>(File.ReadAllText(Path.Combine(SentencePieceReference.Folder, $"expected-{name}.json")))!;
        Assert.Equal(TrickyStrings.Length, expected.Length);
        using var mft = SentencePieceModelTokenizer.FromFile(model);

        // Then Mft's ids equal them string by string
        int same = 0;
        for (int i = 0; i < TrickyStrings.Length; i++)
        {
            var ids = mft.EncodePlain(TrickyStrings[i]);
            Assert.True(expected[i].SequenceEqual(ids),
                $"{name}: {JsonSerializer.Serialize(TrickyStrings[i])}: SentencePiece {JsonSerializer.Serialize(expected[i])}, Mft {JsonSerializer.Serialize(ids)}");
            same++;
        }
        output.WriteLine($"{name}: {same}/{TrickyStrings.Length} strings identical");
    }

    [Fact]
    public void Should_match_control_pieces_written_in_text_whole()
    {
        // Given a BPE model with a control symbol <ctl> and bos/eos pieces
        var (dir, _) = SentencePieceReference.TrainedModels;
        using var mft = SentencePieceModelTokenizer.FromFile(Path.Combine(dir, "bpe-identity-bytes.model"));
        var ctl = mft.PieceId("<ctl>")!.Value;
        var bos = mft.PieceId("<s>")!.Value;

        // When text contains them, Encode gives their ids and encodes the text between as SentencePiece does
        var ids = mft.Encode("<s>the cat<ctl> sat");

        // Then
        int[] expected = [bos, .. mft.EncodePlain("the cat"), ctl, .. mft.EncodePlain(" sat")];
        Assert.Equal(expected, ids);
        Assert.DoesNotContain(ctl, mft.EncodePlain("<ctl>"));
    }

    [Fact]
    public void Should_refuse_a_file_that_is_not_a_model()
    {
        var path = Path.Combine(TempDir.Create("spm-bad"), "tokenizer.model");
        File.WriteAllBytes(path, [0x0A, 0xFF, 0xFF, 0xFF, 0x0F]);
        var e = Assert.Throws<MftException>(() => SentencePieceModelTokenizer.FromFile(path));
        Assert.Contains(path, e.Message);
    }
}

/// <summary>A theory that runs when the real tokenizer.model files are present and is reported skipped otherwise.</summary>
public sealed class RealSentencePieceTheoryAttribute : TheoryAttribute
{
    /// <summary>Folder holding llama2.model and mistral-v0.3.model: $MFT_TEST_SENTENCEPIECE, else ~/.cache/mft-tests/sentencepiece.</summary>
    public static string Folder => Environment.GetEnvironmentVariable("MFT_TEST_SENTENCEPIECE")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mft-tests", "sentencepiece");

    public static string ModelPath(string name) => Path.Combine(Folder, name + ".model");

    public RealSentencePieceTheoryAttribute()
    {
        var missing = new[] { "llama2", "mistral-v0.3" }.Where(n => !File.Exists(ModelPath(n))).ToList();
        if (missing.Count > 0)
            Skip = $"real tokenizer.model files not in {Folder} ({string.Join(", ", missing)}); see docs/tokenizers.md";
    }
}
