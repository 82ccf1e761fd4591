namespace Mft.Data;

/// <summary>
/// The one rule for whether samples are chat data: any conversation (a JSONL "messages" line) among them. Chat data is
/// rendered with the model's chat template wherever it is encoded (training rows, evaluation windows, <c>mft
/// perplexity</c>, <c>mft evaluate</c>), and so are the other samples measured beside it, as training does.
/// </summary>
public static class ChatData
{
    public static bool IsChat(IEnumerable<TextSample> samples) => samples.Any(s => s.Messages is not null);
}
