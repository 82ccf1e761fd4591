using Mft.Runtime;

namespace Mft.Generation;

/// <summary><c>mft generate</c>'s options: a model, a prompt (a continuation, or one chat turn) and how to sample.</summary>
public sealed record GenerateJobConfig
{
    [Option("model", Help = "Hugging Face model directory (config.json, model.safetensors, tokenizer.json)", Value = "DIR")]
    public required string ModelDirectory { get; init; }
    [Option("prompt", Help = "the text to continue (with chat: the user turn)", Value = "TEXT")]
    public string Prompt { get; init; } = "";
    [OptionGroup] public GenerationOptions Sampling { get; init; } = new();
    [Option("chat", Help = "treat the prompt as one user turn: render it with the model's chat template and its generation prompt")]
    public bool Chat { get; init; }
    [Option("system", Help = "with chat: a system prompt before the user turn", Value = "TEXT")]
    public string? System { get; init; }
    [Option("chat_template", Help = "with chat: this template (Jinja, or JSON with chat_template) instead of the model's own", Value = "FILE")]
    public string? ChatTemplatePath { get; init; }
    [OptionGroup] public ComputeOptions Compute { get; init; } = new();

    public void Validate()
    {
        OptionException.RequireGiven(("model", ModelDirectory));
        if (!Chat && System is not null) throw new OptionException("system", "needs {chat}");
        if (!Chat && ChatTemplatePath is not null) throw new OptionException("chat_template", "needs {chat}");
        Sampling.Validate();
        Compute.Validate();
    }
}
