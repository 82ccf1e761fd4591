using Mft.Evaluation;
using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Tests.Evaluation;

public sealed class PerplexityTests
{
    [Theory]
    [InlineData(10, 4, 2)]
    [InlineData(37, 8, 3)]
    [InlineData(5, 16, 8)]
    public void Should_score_every_token_after_the_first_exactly_once_with_the_sliding_window(int length, int context, int stride)
    {
        // Given a document of distinct ids
        var doc = Enumerable.Range(100, length).ToArray();
        // When it is cut into windows
        var scored = new List<int>();
        foreach (var w in Perplexity.Windows(doc, context, stride))
        {
            Assert.True(w.Ids.Length <= context);
            for (int i = 0; i < w.Ids.Length; i++) if (w.ScoreMask[i] == 1) scored.Add(w.Ids[i]);
            Assert.Equal(0, w.ScoreMask[0]);   // a window's first token has no context inside it
        }
        // Then tokens 1..n-1 are scored once each, in order
        Assert.Equal(doc[1..], scored);
    }

    [Fact]
    public void Should_give_the_naive_full_logits_perplexity_whatever_the_chunk()
    {
        // Given a model, windows of different lengths (so the batch is padded) and a mask that skips some tokens
        using var model = TinyModels.Random(TinyModels.LlamaJson(vocab: 61));
        var rng = new Random(3);
        var windows = new[] { 9, 17, 5, 12 }.Select(n =>
        {
            var ids = Enumerable.Range(0, n).Select(_ => rng.Next(61)).ToArray();
            var mask = ids.Select((_, i) => i == 0 || i % 4 == 3 ? 0 : 1).ToArray();
            return new TokenSequence(ids, mask);
        }).ToList();
        // the reference: each window alone, full logits, log-softmax summed in double by a plain loop
        double nll = 0;
        long count = 0;
        using (no_grad())
            foreach (var w in windows)
            {
                using var scope = NewDisposeScope();
                var logits = model.Forward(tensor(w.Ids.Select(i => (long)i).ToArray(), [1, w.Ids.Length]))[0].to_type(ScalarType.Float64); // (T, V)
                var logp = nn.functional.log_softmax(logits, -1);
                for (int i = 1; i < w.Ids.Length; i++)
                    if (w.ScoreMask[i] == 1) { nll -= logp[i - 1, w.Ids[i]].item<double>(); count++; }
            }
        foreach (var (batch, chunk) in new[] { (1, 1), (2, 3), (4, 7), (4, 1024) })
        {
            // When
            var result = Perplexity.Evaluate(model, windows, batch, chunk);
            // Then
            Assert.Equal(count, result.Tokens);
            Assert.True(Math.Abs(result.TotalNll - nll) < 1e-4 * nll, $"batch {batch}, chunk {chunk}: {result.TotalNll} vs {nll}");
        }
    }
}
