using Mft.Chat;
using Mft.Generation;
using Mft.Models;
using Mft.Runtime;
using Mft.Tokenization;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary><c>mft generate</c>: continue a prompt with a model directory.</summary>
public sealed class GenerateCommand : Command<GenerateSettings>
{
    public override int Execute(CommandContext context, GenerateSettings s, CancellationToken cancellationToken)
    {
        var options = new GenerationOptions
        {
            MaxNewTokens = s.MaxNewTokens, Temperature = s.Temperature, TopP = s.TopP, Seed = s.Seed, UseKvCache = !s.NoCache,
        };
        options.Validate();
        TorchRuntime.SetThreads(s.Threads);
        using var pretrained = PretrainedModel.Open(s.Model, s.Device, s.ChatTemplate);
        var prompt = s.Chat ? ChatPrompt.Encode(pretrained, s.Prompt, s.System) : pretrained.Tokenizer.EncodeForModel(s.Prompt, addEos: false);
        var produced = TextGenerator.Generate(pretrained.Model, prompt, options, pretrained.EosIds);
        // A chat reply is printed alone. A continuation is decoded with its prompt: SentencePiece decoders drop a
        // leading space at the start of a decode.
        Console.WriteLine(s.Chat ? pretrained.Tokenizer.Decode(produced) : pretrained.Tokenizer.Decode([.. prompt, .. produced]));
        if (s.PrintIds)
        {
            Console.WriteLine($"prompt ids: {string.Join(' ', prompt)}");
            Console.WriteLine($"generated ids: {string.Join(' ', produced)}");
        }
        return 0;
    }
}
