using Mft.Chat;
using Mft.Models;

namespace Mft.Generation;

/// <summary>One user turn (after an optional system prompt) as a model's chat template writes it for generation.</summary>
public static class ChatPrompt
{
    public static int[] Encode(PretrainedModel model, string user, string? system = null)
    {
        var format = model.Chat ?? throw MftException.NamingOptions(
            $"{model.Directory}: the model has no chat template (tokenizer_config.json chat_template or chat_template.jinja); give one with {{chat_template}} FILE");
        var messages = new List<ChatMessage>();
        if (system is not null) messages.Add(new ChatMessage("system", system));
        messages.Add(new ChatMessage("user", user));
        return model.Tokenizer.Encode(format.Render(messages, addGenerationPrompt: true));
    }
}
