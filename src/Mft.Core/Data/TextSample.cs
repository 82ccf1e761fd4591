namespace Mft.Data;

/// <summary>
/// One training or evaluation sample: an optional prompt (context, never trained on) and the text that is
/// scored. Plain-text documents and JSONL "text" lines have an empty prompt. A conversation (JSONL "messages")
/// has <see cref="Messages"/> instead, rendered with the model's chat template when it is encoded.
/// </summary>
public sealed record TextSample(string Prompt, string Text, string Source)
{
    public IReadOnlyList<Chat.ChatMessage>? Messages { get; init; }

    public static TextSample Conversation(IReadOnlyList<Chat.ChatMessage> messages, string source) =>
        new("", "", source) { Messages = messages };
}
