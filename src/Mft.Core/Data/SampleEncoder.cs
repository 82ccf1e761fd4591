using Mft.Tokenization;

namespace Mft.Data;

/// <summary>
/// Tokenizes samples the same way for training and evaluation: prompt tokens are context only; a conversation
/// is rendered with the chat format and only its assistant turns are scored (see <see cref="ChatEncoder"/>).
/// </summary>
public static class SampleEncoder
{
    public static TokenSequence Encode(ITextTokenizer tokenizer, TextSample sample, bool trainingSample = false, Chat.ChatFormat? chat = null)
    {
        if (sample.Messages is { } messages)
        {
            if (chat is null)
                throw MftException.NamingOptions($"{sample.Source}: a conversation needs a chat template: the model has none " +
                                       "(no chat_template in tokenizer_config.json, no chat_template.jinja); give one with {chat_template} FILE");
            return ChatEncoder.Encode(tokenizer, chat, messages, sample.Source);
        }
        var s = tokenizer.Special;
        var prefix = new List<int>();
        if (s.LeadingBos is int bos) prefix.Add(bos);
        if (sample.Prompt.Length > 0) prefix.AddRange(tokenizer.Encode(sample.Prompt));
        var text = tokenizer.Encode(sample.Text).ToList();
        if (s.TrailingEos(trainingSample) is int eos) text.Add(eos);
        var ids = prefix.Concat(text).ToArray();
        var mask = new int[ids.Length];
        for (int i = prefix.Count; i < ids.Length; i++) mask[i] = 1;
        return new TokenSequence(ids, mask);
    }
}
