using System.ComponentModel;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class ExportSettings : CommandSettings
{
    [CommandOption("--model <DIR>")] [Description("the Hugging Face model directory to export (a base model or a tuned one)")]
    public string Model { get; init; } = "";
    [CommandOption("--adapter <DIR>")] [Description("a PEFT adapter trained on --model, merged before export")]
    public string? Adapter { get; init; }
    [CommandOption("--format <FORMAT>")] [Description("gguf (llama.cpp, LLamaSharp, Ollama)")] [DefaultValue("gguf")]
    public string Format { get; init; } = "gguf";
    [CommandOption("--out <FILE>")] [Description("the .gguf file to write; an Ollama Modelfile is written beside it")]
    public string Out { get; init; } = "";
    [CommandOption("--dtype <DTYPE>")] [Description("weight matrices as f32, f16 or q8_0 (norms and biases stay f32)")] [DefaultValue("f16")]
    public string Dtype { get; init; } = "f16";
    [CommandOption("--chat-template <FILE>")] [Description("a chat template to store instead of the model's own")]
    public string? ChatTemplate { get; init; }
    [CommandOption("--no-modelfile")] [Description("do not write the Ollama Modelfile")]
    public bool NoModelfile { get; init; }
    [CommandOption("--overwrite")] [Description("replace an existing output file")]
    public bool Overwrite { get; init; }
    [CommandOption("--verbose")] [Description("show stack traces on errors")]
    public bool Verbose { get; init; }
}
