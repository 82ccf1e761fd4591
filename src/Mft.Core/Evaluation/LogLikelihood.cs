using Mft.Data;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Evaluation;

/// <summary>
/// The summed log-probability of each sequence's scored tokens (its score mask), as lm-evaluation-harness's
/// loglikelihood requests: sequences run several at a time (right-padded; longest first, so a batch pads little), and
/// the vocabulary projection runs over capped chunks of the scored positions (<see cref="LogitChunks"/>), as
/// <see cref="Perplexity.Evaluate"/> does, so no (positions, V) tensor larger than one chunk is built. Each token's
/// log-probability is a float (log-softmax in fp32); the sums are doubles.
/// </summary>
public static class LogLikelihood
{
    /// <summary>One sum per sequence, in the order given.</summary>
    public static double[] Sum(CausalLM model, IReadOnlyList<TokenSequence> sequences, int batchSize, int chunkTokens = LogitChunks.DefaultPositions)
    {
        if (chunkTokens < 1) throw new ArgumentOutOfRangeException(nameof(chunkTokens), "chunk must hold at least one position");
        var sums = new double[sequences.Count];
        var longestFirst = Enumerable.Range(0, sequences.Count).OrderByDescending(i => sequences[i].Ids.Length).ToArray();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            foreach (var batch in longestFirst.Chunk(Math.Max(1, batchSize)))
            {
                using var scope = NewDisposeScope();
                var rows = Batch.Collate([.. batch.Select(i => sequences[i])], model.Device);            // (B, T) inputs, labels, mask
                int t = (int)rows.Inputs.shape[1];
                var (flat, rowOf) = ScoredPositions(batch.Select(i => sequences[i]).ToList(), t);    // S flat positions, and the row of each
                var hidden = model.ForwardHidden(rows.Inputs);                                      // (B, T, C)
                var flatHidden = hidden.reshape(-1, hidden.shape[^1]);                              // (B·T, C)
                var targets = rows.Labels.reshape(-1);                                              // (B·T,)
                var positions = tensor(flat, device: model.Device);                                 // (S,)
                foreach (var (start, length) in LogitChunks.Of(flat.Length, chunkTokens, model.Config.VocabSize))
                {
                    using var chunkScope = NewDisposeScope();
                    var at = positions.narrow(0, start, length);                                    // (n,)
                    var logits = model.Logits(flatHidden.index_select(0, at)).to_type(ScalarType.Float32); // (n, V)
                    var logp = nn.functional.log_softmax(logits, -1);                               // (n, V)
                    var target = logp.gather(-1, targets.index_select(0, at).unsqueeze(-1)).squeeze(-1); // (n,)
                    var values = target.cpu().data<float>().ToArray();
                    for (int k = 0; k < values.Length; k++) sums[batch[rowOf[start + k]]] += values[k];
                }
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return sums;
    }

    /// <summary>The flat index (row · T + position) of every label the rows score, and the row each belongs to.</summary>
    private static (long[] Flat, int[] RowOf) ScoredPositions(IReadOnlyList<TokenSequence> rows, int t)
    {
        var flat = new List<long>();
        var rowOf = new List<int>();
        for (int b = 0; b < rows.Count; b++)
            for (int i = 1; i < rows[b].Ids.Length; i++)
                if (rows[b].ScoreMask[i] == 1) { flat.Add((long)b * t + i - 1); rowOf.Add(b); }   // token i is predicted at position i-1
        return ([.. flat], [.. rowOf]);
    }
}
