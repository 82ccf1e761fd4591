namespace Mft.Data;

/// <summary>
/// One training or evaluation sample: an optional prompt (context, never trained on) and the text that is
/// scored. Plain-text documents and JSONL "text" lines have an empty prompt.
/// </summary>
public sealed record TextSample(string Prompt, string Text, string Source);
