using Mft.Models;

namespace Mft.Tests.Models;

/// <summary>The one rule that cuts positions into chunks projected to the vocabulary, for the loss and for evaluation.</summary>
public sealed class LogitChunksTests
{
    [Theory]
    [InlineData(1024, 4096, 1024)]       // the embedded model: unchanged
    [InlineData(1024, 16_384, 1024)]     // 16M logits exactly
    [InlineData(1024, 32_768, 512)]
    [InlineData(1024, 151_936, 110)]     // Qwen's vocabulary: 110 x 151,936 = 16.71M <= 2^24 = 16.78M < 111 x 151,936
    [InlineData(5, 151_936, 5)]          // a smaller chunk asked for is kept
    [InlineData(1024, 1L << 26, 1)]      // never less than one position
    public void Should_cap_a_chunk_at_16M_logits(int asked, long vocab, int expected)
    {
        Assert.Equal(expected, LogitChunks.Positions(asked, vocab));
        Assert.True(expected == 1 || (long)expected * vocab <= 1L << 24);
    }

    [Theory]
    [InlineData(8 * 511, 1024, 151_936)]   // evaluation's default chunk over a batch of 8 windows of 512 tokens, at Qwen's vocabulary
    [InlineData(8 * 511, 1024, 4096)]
    [InlineData(7, 3, 61)]
    [InlineData(0, 1024, 151_936)]
    public void Should_cut_every_position_once_into_chunks_within_the_cap(long positions, int asked, long vocab)
    {
        // When the positions are cut into chunks
        var chunks = LogitChunks.Of(positions, asked, vocab).ToList();
        // Then they cover 0..positions once, in order, and no chunk holds more logits than the cap (nor more positions than asked)
        long next = 0;
        foreach (var (start, length) in chunks)
        {
            Assert.Equal(next, start);
            Assert.InRange(length, 1, asked);
            Assert.True(length * vocab <= LogitChunks.MaxLogits, $"a chunk of {length} positions holds {length * vocab} logits");
            next = start + length;
        }
        Assert.Equal(positions, next);
        // and at a 152k vocabulary a chunk is the 110 positions the cap allows, not 1024
        if (vocab == 151_936 && positions > 110) Assert.Equal(110, chunks[0].Length);
    }
}
