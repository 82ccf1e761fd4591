using System.Text;
using Mft.Chat;
using Mft.Tokenization;

namespace Mft.Export.Gguf;

/// <summary>
/// A short Ollama <c>Modelfile</c> for an exported GGUF: <c>FROM</c> the file, the chat template in Ollama's Go
/// template syntax where the model's Jinja template is one of the common turn formats (ChatML as Qwen uses, Llama 3's
/// headers, Gemma's turns), and stop tokens. Ollama cannot run Jinja; for another template the Modelfile says so and
/// leaves the template to Ollama, which recognises many templates stored in the GGUF. Not tested here (no Ollama).
/// </summary>
public static class OllamaModelfile
{
    public const string FileName = "Modelfile";

    /// <summary>A turn format: how to recognise it in a Jinja template, its Go template, and its end-of-turn token.</summary>
    private sealed record TurnFormat(string Name, string Marker, string GoTemplate, string EndOfTurn);

    private static readonly TurnFormat[] Formats =
    [
        new("ChatML", "<|im_start|>",
            "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n",
            "<|im_end|>"),
        new("Llama 3", "<|start_header_id|>",
            "{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            "<|eot_id|>"),
        new("Gemma", "<start_of_turn>",
            "{{- range .Messages }}<start_of_turn>{{ if eq .Role \"assistant\" }}model{{ else }}{{ .Role }}{{ end }}\n" +
            "{{ .Content }}<end_of_turn>\n{{ end }}<start_of_turn>model\n",
            "<end_of_turn>"),
    ];

    public static string Render(string ggufFileName, GgufVocabulary vocabulary, SpecialTokens special, ChatFormat? chat)
    {
        var sb = new StringBuilder();
        sb.Append("# Written by mft export. Create the model with: ollama create NAME -f Modelfile\n");
        sb.Append($"FROM ./{ggufFileName}\n");
        var stops = new List<string>();
        if (special.EosId is int eos && eos < vocabulary.Tokens.Count) stops.Add(vocabulary.Tokens[eos]);
        if (chat is null)
            sb.Append("TEMPLATE \"\"\"{{ .Prompt }}\"\"\"\n");
        else if (Formats.FirstOrDefault(f => chat.Template.Source.Contains(f.Marker, StringComparison.Ordinal)) is { } format)
        {
            sb.Append($"# the model's chat template, in Ollama's syntax ({format.Name} turns)\n");
            sb.Append($"TEMPLATE \"\"\"{format.GoTemplate}\"\"\"\n");
            stops.Add(format.EndOfTurn);
        }
        else
            sb.Append("# the model's chat template is stored in the GGUF (tokenizer.chat_template); it is not one of the turn formats\n" +
                      "# mft writes in Ollama's syntax, so check that Ollama recognises it, or add a TEMPLATE here\n");
        foreach (var stop in stops.Distinct()) sb.Append($"PARAMETER stop \"{stop.Replace("\"", "\\\"")}\"\n");
        return sb.ToString();
    }
}
