using Mft.Cluster;

namespace Mft.Tests.Cluster;

public sealed class ShardTests
{
    private static readonly string[] Runs = [.. from seed in new[] { 0, 1, 2 } from budget in new[] { 500, 2000 } from m in new[] { "ft", "mft-0.1", "mft-0.25", "lora", "dora", "ia3", "replay" }
                                                select $"runs/bible/n{budget}/seed{seed}/{m}"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Should_deal_every_run_to_exactly_one_share_with_sizes_differing_by_at_most_one(int n)
    {
        var shares = Enumerable.Range(1, n).Select(k => new Shard(k, n).Of(Runs, r => r)).ToList();
        Assert.Equal(Runs.Order(), shares.SelectMany(s => s).Order());                        // union is the grid, nothing twice
        Assert.True(shares.Max(s => s.Count) - shares.Min(s => s.Count) <= 1, string.Join(",", shares.Select(s => s.Count)));
        Assert.All(shares, s => Assert.Equal(Runs.Where(s.Contains), s));                      // in grid order
        var shuffled = Runs.Reverse().ToList();                                                // independent of listing order
        Assert.All(Enumerable.Range(1, n), k => Assert.Equal(shares[k - 1].Order(), new Shard(k, n).Of(shuffled, r => r).Order()));
    }

    [Fact]
    public void Should_deal_small_grids_fairly_too()
    {
        for (int runs = 0; runs <= 7; runs++)
            for (int n = 1; n <= 5; n++)
            {
                var items = Runs.Take(runs).ToList();
                var sizes = Enumerable.Range(1, n).Select(k => new Shard(k, n).Of(items, r => r).Count).ToList();
                Assert.Equal(runs, sizes.Sum());
                Assert.True(sizes.Max() - sizes.Min() <= 1);
            }
    }

    [Theory]
    [InlineData(10, 4, 3)]
    [InlineData(9, 4, 3)]
    [InlineData(2, 4, 3)]
    [InlineData(17, 1, 5)]
    public void Should_split_rows_into_contiguous_ranges_on_batch_boundaries(int rows, int batch, int n)
    {
        int next = 0;
        for (int k = 1; k <= n; k++)
        {
            var (start, length) = new Shard(k, n).RangeOf(rows, batch);
            Assert.Equal(next, start);
            Assert.True(start % batch == 0 || length == 0);
            next = start + length;
        }
        Assert.Equal(rows, next);
    }

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("3")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    public void Should_refuse_a_malformed_shard_naming_the_option(string text)
    {
        var e = Assert.Throws<OptionException>(() => Shard.Parse(text));
        Assert.Equal("shard", e.Key);
        Assert.StartsWith("--shard: ", e.AsFlags);
        Assert.Contains(text, e.Message);
    }
}
