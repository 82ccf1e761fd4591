using System.Globalization;
using Mft.Chat.Jinja;

namespace Mft.Chat;

/// <summary>
/// A Hugging Face chat template (the Jinja <c>chat_template</c> of <c>tokenizer_config.json</c>), parsed once and
/// rendered the way transformers' <c>apply_chat_template</c> renders it: <c>trim_blocks</c> and
/// <c>lstrip_blocks</c> on, with <c>messages</c>, <c>add_generation_prompt</c>, the tokenizer's
/// <c>bos_token</c>/<c>eos_token</c>, <c>raise_exception</c>, <c>strftime_now</c> and any extra keyword arguments
/// (such as Qwen3's <c>enable_thinking</c>) in scope. Its output matches @huggingface/jinja byte for byte on the
/// templates the tests cover.
/// </summary>
public sealed class ChatTemplate
{
    private readonly IReadOnlyList<Node> _program;

    private ChatTemplate(string origin, IReadOnlyList<Node> program, ChatTemplateTokens tokens)
    {
        Origin = origin;
        _program = program;
        Tokens = tokens;
    }

    /// <summary>Where the template came from (a file name), used in every error message.</summary>
    public string Origin { get; }

    /// <summary>The template's Jinja text, as read (written into exported GGUF files).</summary>
    public string Source { get; private init; } = "";

    /// <summary>The special tokens passed to the template as <c>bos_token</c> and <c>eos_token</c>.</summary>
    public ChatTemplateTokens Tokens { get; }

    /// <summary>The clock <c>strftime_now</c> reads (local time by default, as transformers does); set it for reproducible dates.</summary>
    public Func<DateTime> Clock { get; private init; } = () => DateTime.Now;

    /// <summary>Parses <paramref name="source"/>; <paramref name="origin"/> names it in errors.</summary>
    /// <exception cref="ChatTemplateException">The template has a syntax error or uses unsupported syntax.</exception>
    public static ChatTemplate Parse(string source, string origin, ChatTemplateTokens? tokens = null)
    {
        try
        {
            return new ChatTemplate(origin, Parser.Parse(Lexer.Tokenize(source)), tokens ?? new ChatTemplateTokens(null, null)) { Source = source };
        }
        catch (TemplateError e)
        {
            throw new ChatTemplateException($"{origin}:{e.Line}: chat template syntax error: {e.Message}", e);
        }
    }

    /// <summary>A copy of this template that passes other special tokens.</summary>
    public ChatTemplate WithTokens(ChatTemplateTokens tokens) => new(Origin, _program, tokens) { Clock = Clock, Source = Source };

    /// <summary>A copy of this template whose <c>strftime_now</c> reads <paramref name="clock"/>.</summary>
    public ChatTemplate WithClock(Func<DateTime> clock) => new(Origin, _program, Tokens) { Clock = clock, Source = Source };

    /// <summary>Renders a conversation, as <c>apply_chat_template(messages, add_generation_prompt=..., tokenize=False, **extra)</c> would.</summary>
    /// <exception cref="ChatTemplateException">The template rejected the conversation (<c>raise_exception</c>) or failed while rendering.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var scope = new Scope();
        scope.Set("namespace", new Callable("namespace", (a, _) => MakeNamespace(a)));
        scope.Set("dict", new Callable("dict", (a, _) => a.Keyword));
        scope.Set("range", new Callable("range", (a, _) => IntegerRange.FromArguments(a)));
        scope.Set("raise_exception", new Callable("raise_exception", (a, _) =>
            throw new RaisedByTemplate(a.Positional.Count > 0 ? Value.Render(a.Positional[0]) : "")));
        scope.Set("strftime_now", new Callable("strftime_now", (a, _) =>
            Strftime(Clock(), a.Positional.Count > 0 && a.Positional[0] is string f ? f : throw new TemplateError("strftime_now needs a format string"))));

        scope.Set("messages", Value.FromDotNet(messages));
        scope.Set("add_generation_prompt", addGenerationPrompt);
        if (Tokens.BosToken is not null) scope.Set("bos_token", Tokens.BosToken);
        if (Tokens.EosToken is not null) scope.Set("eos_token", Tokens.EosToken);
        if (extra is not null)
            foreach (var (key, value) in extra)
            {
                try { scope.Set(key, Value.FromDotNet(value)); }
                catch (ArgumentException e) { throw new ChatTemplateException($"{Origin}: extra argument '{key}': {e.Message}"); }
            }

        try
        {
            return new Interpreter().Run(_program, scope);
        }
        catch (RaisedByTemplate e)
        {
            throw new ChatTemplateException($"{Origin}: the chat template rejected the conversation: {e.Message}", e);
        }
        catch (TemplateError e)
        {
            throw new ChatTemplateException($"{Origin}:{e.Line}: chat template error: {e.Message}", e);
        }
    }

    private static Namespace MakeNamespace(CallArgs a)
    {
        var ns = new Namespace();
        if (a.Positional.Count > 1) throw new TemplateError("namespace() takes at most one positional argument");
        if (a.Positional.Count == 1)
        {
            if (a.Positional[0] is not Dict initial) throw new TemplateError("namespace() takes a dict or keyword arguments");
            foreach (var (k, v) in initial) ns.Attributes[k] = v;
        }
        foreach (var (k, v) in a.Keyword) ns.Attributes[k] = v;
        return ns;
    }

    /// <summary>Python's <c>strftime</c> for the directives chat templates use: %Y %y %m %d %b %B %a %A %H %M %S %%.</summary>
    private static string Strftime(DateTime now, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            char d = format[++i];
            sb.Append(d switch
            {
                'Y' => now.ToString("yyyy", inv),
                'y' => now.ToString("yy", inv),
                'm' => now.ToString("MM", inv),
                'd' => now.ToString("dd", inv),
                'b' => now.ToString("MMM", inv),
                'B' => now.ToString("MMMM", inv),
                'a' => now.ToString("ddd", inv),
                'A' => now.ToString("dddd", inv),
                'H' => now.ToString("HH", inv),
                'M' => now.ToString("mm", inv),
                'S' => now.ToString("ss", inv),
                '%' => "%",
                _ => "%" + d,
            });
        }
        return sb.ToString();
    }
}
