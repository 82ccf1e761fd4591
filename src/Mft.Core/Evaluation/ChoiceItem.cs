namespace Mft.Evaluation;

/// <summary>
/// One multiple-choice item, as lm-evaluation-harness poses HellaSwag and ARC: a context, two or more candidate
/// continuations (each conventionally starting with a space, so that context + choice reads as one text) and the index
/// of the right one. <see cref="Source"/> says where it came from (<c>file:line</c>) for error messages.
/// </summary>
public sealed record ChoiceItem(string Context, IReadOnlyList<string> Choices, int Gold)
{
    public string Source { get; init; } = "";
}
