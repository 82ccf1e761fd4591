using Mft.Data;
using Mft.Tokenization;

namespace Mft.Tests.Data;

/// <summary>Text to training rows, against naive restatements: packing, padding, prompt masking and the split.</summary>
public sealed class DataPipelineTests
{
    private static List<TokenSequence> RandomSamples(int seed, int count)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            int n = rng.Next(1, 21);
            return new TokenSequence([.. Enumerable.Range(0, n).Select(_ => rng.Next(100))], [.. Enumerable.Range(0, n).Select(_ => rng.Next(3) == 0 ? 0 : 1)]);
        })];
    }

    /// <summary>(input token, target token) for every scored position after the first, in order.</summary>
    private static List<(int, int)> Targets(int[] ids, int[] mask) => [.. Enumerable.Range(1, Math.Max(0, ids.Length - 1)).Where(i => mask[i] != 0).Select(i => (ids[i - 1], ids[i]))];

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 3)]
    [InlineData(3, 64)]
    public void Should_pack_so_that_every_scored_token_after_the_first_is_a_target_exactly_once(int seed, int context)
    {
        var samples = RandomSamples(seed, 30);
        var rows = SequenceBuilder.Pack(samples, context);
        // Reference: the concatenation's scored positions, each with the token before it
        var all = samples.SelectMany(s => s.Ids).ToArray();
        var expected = Targets(all, [.. samples.SelectMany(s => s.ScoreMask)]);
        Assert.Equal(expected, rows.SelectMany(r => Targets(r.Ids, r.ScoreMask)));
        Assert.All(rows, r => Assert.InRange(r.Ids.Length, 2, context + 1));
        Assert.All(rows, r => Assert.Equal(0, r.ScoreMask[0]));
    }

    [Fact]
    public void Should_pad_each_sample_to_its_own_row_truncated_to_the_context()
    {
        var samples = RandomSamples(4, 40);
        const int context = 6;
        var rows = SequenceBuilder.Pad(samples, context);
        // Reference: each sample cut to context + 1 tokens, its first token unscored, kept when something is left to score
        var expected = samples.Select(s => (Ids: s.Ids.Take(context + 1).ToArray(), Mask: s.ScoreMask.Take(context + 1).Select((m, i) => i == 0 ? 0 : m).ToArray()))
            .Where(r => r.Mask.Any(m => m != 0)).ToList();
        Assert.Equal(expected.Select(e => e.Ids), rows.Select(r => r.Ids));
        Assert.Equal(expected.Select(e => e.Mask), rows.Select(r => r.ScoreMask));
    }

    [Fact]
    public void Should_score_only_the_completion_and_its_eos_after_the_prompt()
    {
        var tok = HfTokenizer.Load(TinyCorpus.ModelDirectory());   // bytes + <|endoftext|> (256), no bos
        var encoded = SampleEncoder.Encode(tok, new TextSample("Q: ab", " cd", "test:1"), trainingSample: true);
        Assert.Equal([.. "Q: ab cd"u8.ToArray().Select(b => (int)b), 256], encoded.Ids);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], encoded.ScoreMask);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(5, 20)]
    public void Should_split_disjointly_by_seed_and_take_the_budget_from_training_only(int seed, int? budget)
    {
        var items = Enumerable.Range(0, 200).ToList();
        var split = DatasetSplit<int>.Create(items, seed, validationFraction: 0.1, testFraction: 0.15, budget);
        var full = DatasetSplit<int>.Create(items, seed, 0.1, 0.15);
        Assert.Equal(30, split.Test.Count);
        Assert.Equal(20, split.Validation.Count);
        Assert.Equal(budget ?? 150, split.Train.Count);
        Assert.Empty(split.Train.Intersect(split.Test).Concat(split.Train.Intersect(split.Validation)).Concat(split.Validation.Intersect(split.Test)));
        // the budget changes neither the test nor the validation set, and takes a prefix of the full training part
        Assert.Equal(full.Test, split.Test);
        Assert.Equal(full.Validation, split.Validation);
        Assert.Equal(full.Train.Take(split.Train.Count), split.Train);
        // another seed, another split; the same seed, the same split
        Assert.NotEqual(DatasetSplit<int>.Create(items, seed + 1, 0.1, 0.15).Test, split.Test);
        Assert.Equal(DatasetSplit<int>.Create(items, seed, 0.1, 0.15, budget).Train, split.Train);
    }
}
