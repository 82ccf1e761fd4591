using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
using Mft.Models.Layers;
using Mft.Runtime;

namespace Mft.Jobs;

/// <summary>
/// A model's token-level perplexity over a file (<c>mft perplexity</c>), in sliding windows. Chat data
/// (<see cref="ChatData.IsChat"/>) is rendered with the model's chat template, as training renders it.
/// </summary>
public static class PerplexityJob
{
    /// <summary>
    /// The perplexity, and how many documents were scored. The forward passes run in the config's precision;
    /// <paramref name="say"/> hears what auto chose (and the warning for bf16 on a CPU without it).
    /// </summary>
    public static (PerplexityResult Result, int Documents) Run(PerplexityJobConfig config, Action<string>? say = null)
    {
        config.Validate();
        config.Compute.Apply();
        bool bf16 = config.Compute.Bf16(say);
        IReadOnlyList<TextSample> samples = SampleReader.Read(config.DataPath, config.TextSplit);
        if (config.MaxDocuments is int max) samples = [.. samples.Take(max)];
        using var jobScope = TorchRuntime.JobScope();
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Compute.Device, config.ChatTemplatePath);
        int context = config.ContextLength == 0 ? pretrained.Model.Config.MaxPositions : config.ContextLength;
        pretrained.Model.Config.RequireContext(context);
        var chat = ChatData.IsChat(samples) ? pretrained.Chat : null;
        var windows = Perplexity.WindowsOf(pretrained.Tokenizer, samples, context, config.Stride, chat);
        using var autocast = Autocast.Bf16(bf16);
        return (Perplexity.Evaluate(pretrained.Model, windows, config.BatchSize), samples.Count);
    }
}
