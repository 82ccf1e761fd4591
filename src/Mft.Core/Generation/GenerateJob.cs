using Mft.Models;
using Mft.Models.Layers;
using Mft.Runtime;
using Mft.Tokenization;

namespace Mft.Generation;

/// <summary>What <see cref="GenerateJob"/> produced: the prompt's ids, the generated ids, and the text to show.</summary>
public sealed record GenerateResult(IReadOnlyList<int> Prompt, IReadOnlyList<int> Generated, string Text);

/// <summary><c>mft generate</c>: a model continues a prompt, or answers one chat turn.</summary>
public static class GenerateJob
{
    /// <summary>
    /// The generated text. In bf16 the model's products are bf16 (each weight cast once for the whole generation); its
    /// logits, and the sampling from them, stay fp32. <paramref name="say"/> hears what auto chose (and the warning for
    /// bf16 on a CPU without it).
    /// </summary>
    public static GenerateResult Run(GenerateJobConfig config, Action<string>? say = null)
    {
        config.Validate();
        config.Compute.Apply();
        bool bf16 = config.Compute.Bf16(say);
        using var jobScope = TorchRuntime.JobScope();
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Compute.Device, config.ChatTemplatePath);
        var prompt = config.Chat ? ChatPrompt.Encode(pretrained, config.Prompt, config.System) : pretrained.Tokenizer.EncodeForModel(config.Prompt, addEos: false);
        List<int> produced;
        using (Autocast.Bf16(bf16))
            produced = TextGenerator.Generate(pretrained.Model, prompt, config.Sampling, pretrained.EosIds);
        // A chat reply is shown alone. A continuation is decoded with its prompt: SentencePiece decoders drop a
        // leading space at the start of a decode.
        var text = config.Chat ? pretrained.Tokenizer.Decode(produced) : pretrained.Tokenizer.Decode([.. prompt, .. produced]);
        return new GenerateResult(prompt, produced, text);
    }
}
