using Mft.Tests.Reference;
using Mft.Tokenization;
using Microsoft.ML.Tokenizers;

namespace Mft.Tests.Tokenization;

public sealed class HfTokenizerTests : IClassFixture<HfTokenizerTests.Gpt2Directory>
{
    public sealed class Gpt2Directory : IDisposable
    {
        public string Path { get; } = TempDir.Create("gpt2-tok");
        public Gpt2Directory()
        {
            var json = Gpt2TiktokenRanks.ToTokenizerJson(Gpt2TiktokenRanks.LoadTokens());
            File.WriteAllText(System.IO.Path.Combine(Path, "tokenizer.json"), json.ToJsonString());
        }
        public void Dispose() => Directory.Delete(Path, true);
    }

    public static readonly string[] VariedText =
    [
        "Hello, world!",
        "Café déjà vu — naïve façade; Ærøskøbing Straße",
        "Emoji: 🤖🚀 👩‍👩‍👧 and ✓ ✗",
        "Digits 1234567890, 3.14159, 2026-11-28, 0xDEADBEEF",
        "Line one\nLine two\n\n\tTabbed line\r\nWindows line",
        "Repeated    spaces   and  trailing   ",
        "日本語のテキストと中文字符, Ελληνικά, русский текст",
        "x",
        " ",
        "it's we're they'll I'd you've",
        "<html><body class=\"a\">code();</body></html>",
    ];

    private readonly string _dir;
    public HfTokenizerTests(Gpt2Directory dir) => _dir = dir.Path;

    [Fact]
    public void Should_encode_like_an_independent_gpt2_implementation()
    {
        // Given the same GPT-2 ranks in Hugging Face's format and in Microsoft.ML.Tokenizers' tiktoken
        using var hf = HfTokenizer.Load(_dir);
        var reference = TiktokenTokenizer.CreateForModel("gpt2");
        foreach (var text in VariedText)
        {
            // When / Then
            Assert.Equal(reference.EncodeToIds(text).ToArray(), hf.Encode(text));
        }
    }

    [Fact]
    public void Should_roundtrip_varied_text()
    {
        using var hf = HfTokenizer.Load(_dir);
        foreach (var text in VariedText) Assert.Equal(text, hf.Decode(hf.Encode(text)));
    }

    [Fact]
    public void Should_add_no_special_tokens_to_gpt2_and_read_vocab_size()
    {
        using var hf = HfTokenizer.Load(_dir);
        Assert.Equal(50257, hf.VocabSize);
        Assert.False(hf.Special.AddBos);
        Assert.Equal(hf.Encode("abc"), hf.EncodeForModel("abc"));
    }

    [Fact]
    public void Should_prepend_bos_when_the_post_processor_template_does()
    {
        // Given a tokenizer.json whose TemplateProcessing puts <s> first (as Llama's does)
        var dir = TempDir.Create("tok-template");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), TinyTokenizers.TemplateBosJson);
        using var tok = HfTokenizer.Load(dir);
        // When
        var raw = tok.Encode("ab");
        var forModel = tok.EncodeForModel("ab");
        // Then Encode adds nothing and EncodeForModel adds bos once
        Assert.Equal([4], raw);
        Assert.Equal([0, 4], forModel);
        Assert.True(tok.Special.AddBos);
        Assert.Equal(0, tok.Special.BosId);
    }

    [Fact]
    public void Should_follow_tokenizer_config_add_bos_token_false()
    {
        var dir = TempDir.Create("tok-nobos");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), TinyTokenizers.TemplateBosJson);
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"add_bos_token": false, "eos_token": "</s>"}""");
        using var tok = HfTokenizer.Load(dir);
        Assert.Equal([4], tok.EncodeForModel("ab"));
        Assert.Equal(1, tok.Special.EosId);
    }

    [Fact]
    public void Should_reject_malformed_tokenizer_json_naming_the_file()
    {
        var dir = TempDir.Create("tok-bad");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{ not json");
        var e = Assert.Throws<MftException>(() => HfTokenizer.Load(dir));
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("malformed JSON", e.Message);
    }
}
