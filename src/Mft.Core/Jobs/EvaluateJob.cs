using Mft.Runtime;
using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
using Mft.Models.Layers;

namespace Mft.Jobs;

/// <summary>
/// Specialization and degeneralization of any tuned model against its base (<c>mft evaluate</c>): each model's
/// perplexity over the same sliding windows of the domain samples and, when given, the general ones. Chat data
/// (<see cref="ChatData.IsChat"/>) is rendered with each model's chat template, as training renders it. With task files,
/// each model's acc and acc_norm on each (<see cref="ChoiceTask"/>); their items are plain text, scored without a chat
/// template.
/// </summary>
public static class EvaluateJob
{
    /// <summary>
    /// The report and the task scores, both models measured in the config's precision; <paramref name="say"/> hears what
    /// auto chose (and the warning for bf16 on a CPU without it). Every file is read before a model is loaded.
    /// </summary>
    public static EvaluateJobResult Run(EvaluateJobConfig config, Action<string>? say = null)
    {
        config.Validate();
        config.Compute.Apply();
        bool bf16 = config.Compute.Bf16(say);
        var domain = config.DataPath is null ? null : SampleReader.Read(config.DataPath, config.TextSplit);
        var general = config.GeneralPath is null ? null : SampleReader.Read(config.GeneralPath, config.TextSplit);
        var tasks = ChoiceTaskSet.Read(config.TaskPaths);
        var report = domain is null ? null
            : Run(config.BaseDirectory, config.TunedDirectory, domain, general, config.ContextLength, config.BatchSize, config.Compute.Device, config.ChatTemplatePath, bf16);
        return new EvaluateJobResult(report, Tasks(config.BaseDirectory, config.TunedDirectory, tasks, config.ContextLength, config.BatchSize, config.Compute.Device, bf16));
    }

    /// <summary>Each task's scores of the base and the tuned model; with <paramref name="bf16"/>, in bf16 products (<see cref="Autocast"/>).</summary>
    public static IReadOnlyList<TaskScores> Tasks(string baseDirectory, string tunedDirectory, ChoiceTaskSet tasks,
        int context, int batchSize, string device = "cpu", bool bf16 = false)
    {
        if (tasks.Count == 0) return [];
        IReadOnlyList<ChoiceTaskResult> Measure(string dir)
        {
            using var jobScope = TorchRuntime.JobScope();
            using var m = PretrainedModel.Open(dir, device);
            m.Model.Config.RequireContext(context, dir);
            using var autocast = Autocast.Bf16(bf16);
            return tasks.Evaluate(m.Model, m.Tokenizer, context, batchSize);
        }
        var b = Measure(baseDirectory);
        return TaskScores.Pair(tasks.Paths, b, Measure(tunedDirectory));
    }

    /// <summary>The report; with <paramref name="bf16"/>, each model's forward passes make their products in bf16 (<see cref="Autocast"/>).</summary>
    public static SpecializationReport Run(string baseDirectory, string tunedDirectory, IReadOnlyList<TextSample> domain, IReadOnlyList<TextSample>? general,
        int context, int batchSize, string device = "cpu", string? chatTemplatePath = null, bool bf16 = false)
    {
        bool isChat = ChatData.IsChat(domain.Concat(general ?? []));
        (double Domain, double? General) Measure(string dir)
        {
            using var jobScope = TorchRuntime.JobScope();
            using var m = PretrainedModel.Open(dir, device, chatTemplatePath);
            m.Model.Config.RequireContext(context, dir);
            var chat = isChat ? m.Chat : null;
            using var autocast = Autocast.Bf16(bf16);   // each weight cast once for both files
            double Ppl(IReadOnlyList<TextSample> samples) => Perplexity.Evaluate(m.Model, Perplexity.WindowsOf(m.Tokenizer, samples, context, chat: chat), batchSize).Perplexity;
            return (Ppl(domain), general is null ? null : Ppl(general));
        }
        var b = Measure(baseDirectory);
        var t = Measure(tunedDirectory);
        return new SpecializationReport(b.Domain, t.Domain, b.General, t.General);
    }
}
