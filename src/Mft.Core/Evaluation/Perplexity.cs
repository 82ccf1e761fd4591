using Mft.Runtime;
using Mft.Data;
using Mft.Models;
using Mft.Tokenization;
using static TorchSharp.torch;

namespace Mft.Evaluation;

/// <summary>
/// Token-level perplexity of a model over tokenized documents. A document longer than the context is scored
/// with a sliding window (Hugging Face's "perplexity of fixed-length models" recipe): windows of
/// <c>context</c> tokens advance by <c>stride</c>, and each token is scored once, with as much left context as
/// the window gives it. Windows are batched in the order given (right-padded; padding is never scored).
/// </summary>
public static class Perplexity
{
    /// <summary>
    /// Tokenizes samples as for training (bos where the tokenizer adds it; prompts are context only) and cuts them
    /// into scoring windows. <paramref name="stride"/> &lt;= 0 means half the context.
    /// </summary>
    public static List<TokenSequence> WindowsOf(ITextTokenizer tokenizer, IEnumerable<TextSample> samples, int context, int stride = 0,
        Chat.ChatFormat? chat = null) => samples
        .Select(s => SampleEncoder.Encode(tokenizer, s, chat: chat))
        .SelectMany(e => Windows(e.Ids, context, stride <= 0 ? context / 2 : stride, e.ScoreMask)).ToList();

    /// <summary>Positions scored together, at most: fewer where the (positions, V) log-probabilities would exceed <see cref="LogitChunks.MaxLogits"/>.</summary>
    public const int DefaultChunkTokens = LogitChunks.DefaultPositions;

    /// <summary>
    /// Sums the negative log-likelihood of every scored token. The vocabulary projection runs a chunk of
    /// <paramref name="chunkTokens"/> scored positions at a time, capped as the loss's chunks are (<see cref="LogitChunks"/>:
    /// 110 positions at a 152k vocabulary), so no (B·T, V) tensor is built: at a 152k vocabulary one 512-token window's
    /// full logits would be 311 MB, and log-softmax doubles that. Windows are batched in
    /// the order given, not by length: a window's float sums depend on its batch's padded length, and the published
    /// figures (docs/demo-report.md, docs/sweep-report-bible.md) were measured with this batching (docs/performance.md).
    /// </summary>
    public static PerplexityResult Evaluate(CausalLM model, IReadOnlyList<TokenSequence> windows, int batchSize, int chunkTokens = DefaultChunkTokens)
    {
        if (chunkTokens < 1) throw new ArgumentOutOfRangeException(nameof(chunkTokens), "chunk must hold at least one position");
        var device = model.Device;
        bool wasTraining = model.training;
        model.eval();
        double total = 0;
        long count = 0;
        try
        {
            using var _ = no_grad();
            foreach (var batch in windows.Chunk(Math.Max(1, batchSize)))
            {
                using var scope = NewDisposeScope();
                var rows = Batch.Collate(batch, device);                                                // (B, T-1) inputs, labels, mask
                // The whole window runs, its last token too (the last label column completes it): the published figures
                // were measured on (B, T) inputs, and a (B, T-1) forward rounds differently (up to 8e-8 relative).
                var window = cat([rows.Inputs, rows.Labels[.., ^1..]], 1);                              // (B, T)
                var hidden = model.ForwardHidden(window)[.., ..^1];                                     // (B, T-1, C): the last position predicts nothing
                var targets = rows.Labels.reshape(-1);                                                  // (B·(T-1),)
                var positions = (rows.LossMask.reshape(-1) > Scalars.Zero).nonzero().squeeze(-1);                 // (S,) flat scored positions
                var flatHidden = hidden.reshape(-1, hidden.shape[^1]);                                  // (B·(T-1), C)
                foreach (var (start, length) in LogitChunks.Of(positions.shape[0], chunkTokens, model.Config.VocabSize))
                {
                    using var chunkScope = NewDisposeScope();
                    var at = positions.narrow(0, start, length);                                        // (n,) n <= LogitChunks.Positions
                    var logits = model.Logits(flatHidden.index_select(0, at)).to_type(ScalarType.Float32); // (n, V)
                    var logp = nn.functional.log_softmax(logits, -1);                                   // (n, V)
                    var targetLogp = logp.gather(-1, targets.index_select(0, at).unsqueeze(-1));       // (n, 1)
                    total -= targetLogp.sum().item<float>();
                }
                count += positions.shape[0];
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return new PerplexityResult(total, count);
    }

    /// <summary>
    /// Cuts a document into windows. Token i (i &gt;= 1) is scored as the prediction from position i-1;
    /// <paramref name="scoreMask"/> (per token, 1 = score) restricts which tokens count, e.g. completions only.
    /// </summary>
    public static IEnumerable<TokenSequence> Windows(int[] doc, int context, int stride, int[]? scoreMask = null)
    {
        if (context < 2) throw new ArgumentOutOfRangeException(nameof(context), "context must be at least 2");
        stride = Math.Clamp(stride, 1, context - 1);
        if (doc.Length < 2) yield break;
        int scoredUpTo = 1;                                   // tokens [1, scoredUpTo) already scored
        for (int begin = 0; ; begin += stride)
        {
            int end = Math.Min(begin + context, doc.Length);
            var ids = doc[begin..end];
            var mask = new int[ids.Length];
            for (int i = Math.Max(scoredUpTo, begin + 1); i < end; i++) mask[i - begin] = scoreMask?[i] ?? 1;
            scoredUpTo = end;
            yield return new TokenSequence(ids, mask);
            if (end == doc.Length) yield break;
        }
    }
}
