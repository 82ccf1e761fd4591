using Mft.Models;
using Mft.Runtime;

namespace Mft.Jobs;

/// <summary>
/// The base model's perplexities (domain validation, domain test, general, general validation) on a job's evaluation
/// sets, and its scores on the job's task files, measured as <see cref="FinetuneJob"/> measures its step 0 but without
/// attaching an adapter, so that every job on the same evaluation sets and tasks can be given the same numbers
/// (<see cref="FinetuneJobConfig.BasePerplexities"/>, <see cref="FinetuneJobConfig.BaseTaskScores"/>).
/// </summary>
public static class BaseMeasurement
{
    public static Evaluation.BasePerplexities Measure(FinetuneJobConfig config)
    {
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        var data = FinetuneData.Read(config);
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        var evaluator = data.Evaluator(pretrained.Tokenizer, data.IsChat ? pretrained.Chat : null, config.Trainer.ContextLength, config.EvalBatchSize);
        evaluator.SetBase(pretrained.Model);
        return evaluator.Base;
    }

    /// <summary>
    /// The base model's scores on the job's task files (<see cref="FinetuneJobConfig.TaskPaths"/>), at its context and
    /// evaluation batch, in fp32, as <see cref="FinetuneJob"/> scores them before training (<see cref="FinetuneJobConfig.BaseTaskScores"/>).
    /// </summary>
    public static Evaluation.BaseTaskScores MeasureTasks(FinetuneJobConfig config)
    {
        var tasks = Evaluation.ChoiceTaskSet.Read(config.TaskPaths);
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        pretrained.Model.Config.RequireContext(config.Trainer.ContextLength);
        return new Evaluation.BaseTaskScores(tasks.Paths, tasks.Evaluate(pretrained.Model, pretrained.Tokenizer, config.Trainer.ContextLength, config.EvalBatchSize));
    }
}
