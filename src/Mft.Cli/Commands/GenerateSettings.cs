using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class GenerateSettings : ComputeSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Hugging Face model directory (config.json, model.safetensors, tokenizer.json)")]
    public string Model { get; init; } = "";

    [CommandOption("--prompt <TEXT>")]
    public string Prompt { get; init; } = "";

    [CommandOption("--max-new-tokens <N>")]
    [DefaultValue(64)]
    public int MaxNewTokens { get; init; } = 64;

    [CommandOption("--temperature <T>")]
    [Description("0 is greedy decoding")]
    [DefaultValue(1.0)]
    public double Temperature { get; init; } = 1.0;

    [CommandOption("--top-p <P>")]
    [DefaultValue(1.0)]
    public double TopP { get; init; } = 1.0;

    [CommandOption("--seed <S>")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--no-cache")]
    [Description("recompute every position each step instead of using the KV cache")]
    public bool NoCache { get; init; }

    [CommandOption("--chat")]
    [Description("treat --prompt as one user turn: render it with the model's chat template and its generation prompt")]
    public bool Chat { get; init; }

    [CommandOption("--system <TEXT>")]
    [Description("with --chat: a system prompt before the user turn")]
    public string? System { get; init; }

    [CommandOption("--chat-template <FILE>")]
    [Description("with --chat: this template (Jinja, or JSON with chat_template) instead of the model's own")]
    public string? ChatTemplate { get; init; }

    [CommandOption("--ids")]
    [Description("also print the prompt and generated token ids")]
    public bool PrintIds { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model is required")
        : !Chat && (System is not null || ChatTemplate is not null) ? ValidationResult.Error("--system and --chat-template need --chat")
        : ValidationResult.Success();
}
