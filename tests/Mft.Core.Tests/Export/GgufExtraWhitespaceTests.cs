using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mft.Export.Gguf;
using Mft.Tests.Reference;
using Mft.Tokenization;
using Xunit.Abstractions;

namespace Mft.Tests.Export;

/// <summary>
/// A SentencePiece BPE model trained here with remove_extra_whitespaces left at SentencePiece's default (on), exported
/// as llama.cpp's converter exports it, with a note. llama.cpp applies no normalizer: it keeps every space. So its ids
/// equal Mft's on text without runs of spaces or leading/trailing spaces, and on text with them llama.cpp segments the
/// text with every space kept where SentencePiece (and Mft) segment it with runs collapsed and the ends stripped.
/// </summary>
public sealed class GgufExtraWhitespaceTests(ITestOutputHelper output)
{
    private const string Variant = "bpe-identity-collapse";

    /// <summary>Texts remove_extra_whitespaces changes, besides those of the shared set.</summary>
    private static readonly string[] RunTexts = ["a  b", " leading", "trailing ", "  both  ", " ", "line\n  indented", "end\u2581", "a </s> b"];

    /// <summary>Texts it leaves alone: only the space is collapsed, not newlines, tabs or no-break spaces.</summary>
    private static readonly string[] NoRunTexts = ["a b", "\n\n", "a\n\nb", "tab\t\tb", "a\u00a0\u00a0b"];

    private static readonly Lazy<(string Dir, string File, IReadOnlyList<string> Notes)> Exported = new(() =>
        GgufTokenizerTests.ExportSentencePiece(ModelFile, Variant));

    private static string ModelFile => Path.Combine(SentencePieceReference.TrainedModels.Dir, Variant + ".model");

    /// <summary>The model's control pieces: the text between them is encoded stretch by stretch, each on its own.</summary>
    private static readonly Regex Special = new("(<s>|</s>)");

    private static bool Collapses(string text) => Collapsed(text) != text;

    /// <summary>The text as remove_extra_whitespaces leaves it: in each stretch between special tokens, runs of spaces
    /// become one, leading spaces go, and so do trailing spaces and "▁"s (SentencePiece strips the escaped stretch's
    /// end, where a "▁" written in the text looks like a space).</summary>
    private static string Collapsed(string text) => string.Concat(Special.Split(text).Select(part =>
        Special.IsMatch(part) ? part : Regex.Replace(part.TrimStart(' '), " {2,}", " ").TrimEnd(' ', '\u2581')));

    [Fact]
    public void Should_export_it_with_a_note_naming_the_file()
    {
        var (dir, file, notes) = Exported.Value;

        Assert.True(File.Exists(file));
        var note = Assert.Single(notes);
        Assert.Contains(Path.Combine(dir, "tokenizer.model"), note);
        Assert.Contains("remove_extra_whitespaces", note);
        Assert.Contains("llama.cpp does not collapse runs of spaces", note);
    }

    [Fact]
    public void Should_tokenize_text_without_space_runs_as_mft_does()
    {
        var (dir, file, _) = Exported.Value;
        using var mft = TokenizerFactory.Load(dir);
        using var llama = new LlamaCpp(file, contextSize: 64);
        var texts = NoRunTexts.Concat(GgufTokenizerTests.AllTexts.Where(t => !Collapses(t))).Distinct().ToList();

        foreach (var text in texts)
        {
            var (expected, actual) = (mft.EncodeForModel(text), llama.Tokenize(text));
            Assert.True(expected.SequenceEqual(actual),
                $"{JsonSerializer.Serialize(text)}: Mft {JsonSerializer.Serialize(expected)}, llama.cpp {JsonSerializer.Serialize(actual)}");
        }
        foreach (var text in NoRunTexts) output.WriteLine($"same: {JsonSerializer.Serialize(text)} -> {JsonSerializer.Serialize(llama.Tokenize(text))}");
        output.WriteLine($"{texts.Count} texts without space runs tokenized identically");
    }

    [Fact]
    public void Should_keep_every_space_where_sentencepiece_collapses_them()
    {
        // Given texts with runs of spaces or leading/trailing spaces, some beside special tokens
        var (dir, file, _) = Exported.Value;
        using var mft = TokenizerFactory.Load(dir);
        using var llama = new LlamaCpp(file, contextSize: 64);
        var vocabulary = GgufVocabulary.Read(dir, mft.VocabSize);
        var texts = RunTexts.Concat(GgufTokenizerTests.AllTexts.Where(Collapses)).Distinct().ToList();
        var plain = texts.Where(t => !Special.IsMatch(t)).ToList();
        var sentencePiece = plain.Zip(SentencePieceReference.Encode(ModelFile, plain)).ToDictionary();

        for (int i = 0; i < texts.Count; i++)
        {
            var (text, ours, theirs) = (texts[i], mft.EncodeForModel(texts[i]), llama.Tokenize(texts[i]));
            var why = $"{JsonSerializer.Serialize(text)}: Mft {JsonSerializer.Serialize(ours)}, llama.cpp {JsonSerializer.Serialize(theirs)}";

            // Then Mft's ids are SentencePiece's (after the bos), which spell the text collapsed ...
            if (sentencePiece.TryGetValue(text, out var reference)) Assert.Equal(reference, ours[1..]);
            Assert.Equal(Escaped(Collapsed(text)), Spelling(vocabulary, ours));
            // ... and llama.cpp's spell it with every space kept, so the two differ
            Assert.True(Escaped(text) == Spelling(vocabulary, theirs), why);
            Assert.False(ours.SequenceEqual(theirs), why);
        }
        foreach (var text in RunTexts)
            output.WriteLine($"differ: {JsonSerializer.Serialize(text)}: Mft/SentencePiece {JsonSerializer.Serialize(mft.EncodeForModel(text))}, llama.cpp {JsonSerializer.Serialize(llama.Tokenize(text))}");
        output.WriteLine($"{texts.Count} texts with space runs: llama.cpp keeps every space");
    }

    /// <summary>Text as the model spells it: each stretch between special tokens (which <see cref="Spelling"/> leaves
    /// out) with the dummy prefix and every space as "▁"; an empty stretch stays empty.</summary>
    private static string Escaped(string text) => string.Concat(Special.Split(text).Select(part =>
        Special.IsMatch(part) || part.Length == 0 ? "" : "\u2581" + part.Replace(' ', '\u2581')));

    /// <summary>The pieces of <paramref name="ids"/> joined, byte pieces as their bytes, control pieces (bos) left out.</summary>
    private static string Spelling(GgufVocabulary vocabulary, IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            var piece = vocabulary.Tokens[id];
            switch (vocabulary.Types[id])
            {
                case GgufVocabulary.Control: break;
                case GgufVocabulary.Byte: bytes.Add(Convert.ToByte(piece[3..5], 16)); break;
                default: bytes.AddRange(Encoding.UTF8.GetBytes(piece)); break;
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
