using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Tokenization;

namespace Mft.Chat;

/// <summary>
/// How a model wants conversations written: its chat template (from <c>chat_template.jinja</c> or
/// tokenizer_config.json's <c>chat_template</c>, as transformers finds it, or a file the user gives), the bos/eos
/// strings the template sees, and extra template variables (such as Qwen3's <c>enable_thinking</c>).
/// </summary>
public sealed class ChatFormat
{
    public ChatTemplate Template { get; }
    public IReadOnlyDictionary<string, object?> Variables { get; }

    public ChatFormat(ChatTemplate template, IReadOnlyDictionary<string, object?>? variables = null)
    {
        Template = template;
        Variables = variables ?? new Dictionary<string, object?>();
    }

    public const string JinjaFileName = "chat_template.jinja";

    /// <summary>
    /// The model directory's chat format, or the template in <paramref name="templateFile"/> when given (a Jinja
    /// file, or a JSON file with a <c>chat_template</c> key). Null when the model has none and none is given.
    /// </summary>
    public static ChatFormat? Load(string modelDirectory, string? templateFile = null)
    {
        var config = TokenizerConfig.Load(modelDirectory);
        var tokens = new ChatTemplateTokens(config.BosToken, config.EosToken);
        string? source; string origin;
        if (templateFile is not null)
        {
            if (!File.Exists(templateFile)) throw new MftException($"{templateFile}: chat template file not found");
            origin = templateFile;
            source = templateFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? TemplateFromJson(templateFile) ?? throw new MftException($"{templateFile}: has no \"chat_template\" string")
                : File.ReadAllText(templateFile);
        }
        else if (File.Exists(Path.Combine(modelDirectory, JinjaFileName)))
        {
            origin = Path.Combine(modelDirectory, JinjaFileName);
            source = File.ReadAllText(origin);
        }
        else
        {
            origin = Path.Combine(modelDirectory, "tokenizer_config.json");
            source = File.Exists(origin) ? TemplateFromJson(origin) : null;
            if (source is null) return null;
        }
        return new ChatFormat(ChatTemplate.Parse(source, origin, tokens));
    }

    /// <summary>The template string of a tokenizer_config.json: a string, or the entry named "default" of a list.</summary>
    private static string? TemplateFromJson(string path)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path))?["chat_template"]; }
        catch (JsonException e) { throw new MftException($"{path}: malformed JSON ({e.Message})"); }
        return node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray list => list.OfType<JsonObject>().FirstOrDefault(o => (string?)o["name"] == "default")?["template"]?.GetValue<string>()
                              ?? throw new MftException($"{path}: chat_template is a list without a \"default\" entry"),
            null => null,
            _ => throw new MftException($"{path}: chat_template must be a string or a list of named templates"),
        };
    }

    public ChatFormat WithVariables(IReadOnlyDictionary<string, object?> variables) => new(Template, variables);

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt) =>
        Template.Render(messages, addGenerationPrompt, Variables);
}
