using Mft.Models;
using Mft.Tokenization;

namespace Mft.Evaluation;

/// <summary>
/// Multiple-choice evaluation by log-likelihood, the way lm-evaluation-harness scores HellaSwag and ARC: every
/// (context, choice) pair of every item is one sequence (<see cref="ChoiceEncoder"/>), the choice's tokens' log-probabilities
/// are summed (<see cref="LogLikelihood"/>), and the item is right when the gold choice's sum is the highest
/// (<see cref="ChoiceTaskResult"/>). The forward passes run in whatever precision the caller's
/// <c>Models.Layers.Autocast</c> region sets.
/// </summary>
public static class ChoiceTask
{
    /// <summary>The model's acc and acc_norm on the items; sequences are left-truncated to <paramref name="context"/> tokens and run <paramref name="batchSize"/> at a time.</summary>
    public static ChoiceTaskResult Evaluate(CausalLM model, ITextTokenizer tokenizer, IReadOnlyList<ChoiceItem> items, int context, int batchSize) =>
        ChoiceTaskResult.Of(items, LogLikelihoods(model, tokenizer, items, context, batchSize));

    /// <summary>Each item's summed log-probability of each choice given its context.</summary>
    public static IReadOnlyList<double[]> LogLikelihoods(CausalLM model, ITextTokenizer tokenizer, IReadOnlyList<ChoiceItem> items, int context, int batchSize,
        int chunkTokens = LogitChunks.DefaultPositions)
    {
        var sequences = items.SelectMany(item => ChoiceEncoder.Encode(tokenizer, item, context)).ToList();
        var sums = LogLikelihood.Sum(model, sequences, batchSize, chunkTokens);
        var result = new List<double[]>(items.Count);
        int next = 0;
        foreach (var item in items)
        {
            result.Add(sums[next..(next + item.Choices.Count)]);
            next += item.Choices.Count;
        }
        return result;
    }
}
