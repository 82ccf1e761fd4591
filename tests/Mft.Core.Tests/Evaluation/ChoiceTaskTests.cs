using Mft.Evaluation;
using Mft.Models;
using Mft.Models.Layers;
using Mft.Tests.Packaging;
using Mft.Tokenization;
using static TorchSharp.torch;

namespace Mft.Tests.Evaluation;

/// <summary>
/// The multiple-choice scorer against a naive reference written apart from it: each (context, choice) alone, tokenized
/// by the rule lm-evaluation-harness states (the choice's tokens are those of context + choice after the context's),
/// cut to the context from the left, one plain forward over the whole sequence, and the log-softmax of its logits in
/// float64 summed by a loop.
/// </summary>
/// <remarks>
/// Tolerance against the reference, 1e-4 nats per choice plus 1e-5 relative: the scorer's log-softmax is float32
/// (relative error about 6e-8 per value, times the logit scale of about 10, over some 20 scored tokens: 1e-5 nats), and
/// a padded batch rounds its products differently from one sequence alone (the perplexity test allows 1e-4 relative
/// for the same reason). bf16 against fp32: each product's operands keep 8 bits (u = 2^-9); a token's log-probability
/// moves by a few u of the logit scale, about 0.02 nats at worst on a logit of 10, and these roundings have both signs,
/// so 0.05 nats per token on average (times the choice's tokens) is a bound it should not reach: it would take a
/// systematic bias on every token.
/// </remarks>
public sealed class ChoiceTaskTests
{
    private static string EmbeddedModel => Path.Combine(Repository.Root, "models", "base");

    private static readonly IReadOnlyList<ChoiceItem> Items =
    [
        new("The cat sat on the", [" mat.", " moon and the stars above the sea.", " door"], 0),
        new("In the beginning God created the heaven and the earth. And the earth was without form,", [" and void;", " said the king.", " of the house of Israel"], 0) { Source = "t:2" },
        new("A hacker is a person who", [" enjoys exploring the details of programmable systems.", " ate the bread."], 1),
        new("", [" The first of them.", " Hello"], 0),                             // an empty context: bos alone conditions
        new("It was a dark and stormy night; ", ["the rain fell in torrents.", "said he."], 0),   // trailing space moves to the choice
    ];

    /// <summary>The reference: each choice alone, full logits, log-softmax in float64 summed by a loop.</summary>
    private static double[] Naive(CausalLM model, ITextTokenizer tokenizer, ChoiceItem item, int context)
    {
        var prefix = tokenizer.Special.LeadingBos is int bos ? new[] { bos } : [];
        string trimmed = item.Context.TrimEnd();
        var contextIds = prefix.Concat(tokenizer.Encode(trimmed)).ToArray();
        var sums = new double[item.Choices.Count];
        for (int c = 0; c < item.Choices.Count; c++)
        {
            var all = prefix.Concat(tokenizer.Encode(item.Context + item.Choices[c])).ToArray();
            int n = all.Length - contextIds.Length;                       // the choice's tokens: the end of the whole
            var ids = all.Length > context ? all[^context..] : all;
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var logits = model.Forward(tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]))[0].to_type(ScalarType.Float64);  // (T, V)
            var logp = nn.functional.log_softmax(logits, -1);
            for (int i = ids.Length - n; i < ids.Length; i++) sums[c] += logp[i - 1, ids[i]].item<double>();
        }
        return sums;
    }

    [Theory]
    [InlineData(1, 1, 512)]
    [InlineData(3, 2, 512)]
    [InlineData(8, 1024, 512)]
    [InlineData(4, 5, 16)]     // the long sequences cut from the left
    public void Should_give_the_naive_one_sequence_full_logits_sums_whatever_the_batch_and_chunk(int batch, int chunk, int context)
    {
        // Given the embedded model and items of different lengths (so batches are padded)
        using var m = PretrainedModel.Open(EmbeddedModel);
        // When they are scored in batches with chunked logits
        var sums = ChoiceTask.LogLikelihoods(m.Model, m.Tokenizer, Items, context, batch, chunk);
        // Then each choice's sum is the reference's
        for (int i = 0; i < Items.Count; i++)
        {
            var expected = Naive(m.Model, m.Tokenizer, Items[i], context);
            for (int c = 0; c < expected.Length; c++)
                Assert.True(Math.Abs(sums[i][c] - expected[c]) < 1e-4 + 1e-5 * Math.Abs(expected[c]), $"item {i} choice {c}: {sums[i][c]} against {expected[c]}");
            Assert.True(expected.All(s => s < 0));   // guards a vacuous pass: every choice has scored tokens
        }
    }

    [Fact]
    public void Should_score_in_bf16_close_to_fp32_and_not_equal_to_it()
    {
        // Given the embedded model's fp32 sums
        using var m = PretrainedModel.Open(EmbeddedModel);
        var fp32 = ChoiceTask.LogLikelihoods(m.Model, m.Tokenizer, Items, 512, 4);
        // When scored inside a bf16 region
        IReadOnlyList<double[]> bf16;
        using (Autocast.Bf16()) bf16 = ChoiceTask.LogLikelihoods(m.Model, m.Tokenizer, Items, 512, 4);
        // Then each sum moves by less than 0.05 nats a token, and some sum moves
        for (int i = 0; i < Items.Count; i++)
            for (int c = 0; c < Items[i].Choices.Count; c++)
            {
                int tokens = ChoiceEncoder.Encode(m.Tokenizer, Items[i], 512).ElementAt(c).ScoreMask.Sum();
                Assert.True(Math.Abs(bf16[i][c] - fp32[i][c]) < 0.05 * tokens, $"item {i} choice {c}: bf16 {bf16[i][c]} against fp32 {fp32[i][c]} over {tokens} tokens");
            }
        Assert.NotEqual(fp32.SelectMany(s => s), bf16.SelectMany(s => s));
    }

    [Fact]
    public void Should_score_the_tokens_of_context_plus_choice_after_the_contexts_with_the_trailing_space_moved()
    {
        using var m = PretrainedModel.Open(EmbeddedModel);
        var tok = m.Tokenizer;
        // Given a context ending in a space
        var item = new ChoiceItem("It rained; ", ["the end.", "x"], 0);
        // When encoded
        var first = ChoiceEncoder.Encode(tok, item, 512).First();
        // Then the sequence is bos + the whole text's tokens, and the scored ones are those after "It rained;"'s
        int bos = tok.Special.LeadingBos!.Value;
        Assert.Equal([bos, .. tok.Encode("It rained; the end.")], first.Ids);
        int contextTokens = 1 + tok.Encode("It rained;").Length;
        Assert.Equal(Enumerable.Range(0, first.Ids.Length).Select(i => i >= contextTokens ? 1 : 0), first.ScoreMask);
        // and a context too long loses tokens from the left, never the choice's
        var cut = ChoiceEncoder.Encode(tok, item, 4).First();
        Assert.Equal(first.Ids[^4..], cut.Ids);
        Assert.Equal(first.ScoreMask[^4..], cut.ScoreMask);
    }

    [Fact]
    public void Should_refuse_a_choice_longer_than_the_context_can_score_naming_the_item()
    {
        using var m = PretrainedModel.Open(EmbeddedModel);
        var item = new ChoiceItem("Once", [" upon a time there was a king", " no"], 0) { Source = "tasks.jsonl:7" };
        var e = Assert.Throws<MftException>(() => ChoiceEncoder.Encode(m.Tokenizer, item, 4).ToList());
        Assert.StartsWith("tasks.jsonl:7: choice 0 is ", e.Message);
    }
}
