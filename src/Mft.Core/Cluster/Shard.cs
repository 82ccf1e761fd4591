using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mft.Cluster;

/// <summary>
/// The K-th of N shares of a piece of work (1-based, as Slurm's array task ids and <c>--shard K/N</c> are). Items
/// are ordered by a hash of their key and dealt out in turn, so every item lands in exactly one share, share sizes
/// differ by at most one, and the share an item lands in depends only on the keys and N, never on the machine or
/// the order the items were listed in. What an item computes never depends on its share.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static readonly Shard All = new(1, 1);

    public bool IsAll => Count == 1;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "K/N" with 1 &lt;= K &lt;= N.</summary>
    public static Shard Parse(string text, string option = "shard")
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && k >= 1 && k <= n)
            return new Shard(k, n);
        throw new OptionException(option, $"must be K/N with 1 <= K <= N (e.g. 2/8), got '{text}'");
    }

    /// <summary>The items of this share, in their original order; keys must be distinct.</summary>
    public IReadOnlyList<T> Of<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        var keys = items.Select(key).ToList();
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Count) throw new ArgumentException("shard keys must be distinct", nameof(key));
        var dealt = Enumerable.Range(0, items.Count).OrderBy(i => Hash(keys[i]), StringComparer.Ordinal).ThenBy(i => keys[i], StringComparer.Ordinal).ToList();
        var mine = new HashSet<int>(dealt.Where((_, position) => position % Count == Index - 1));
        return items.Where((_, i) => mine.Contains(i)).ToList();
    }

    /// <summary>
    /// This share of <paramref name="count"/> consecutive items taken in blocks of <paramref name="block"/>: one
    /// contiguous range whose ends fall on block boundaries (so batches are the same as in one pass over all items).
    /// </summary>
    public (int Start, int Length) RangeOf(int count, int block)
    {
        if (block <= 0) throw new ArgumentOutOfRangeException(nameof(block));
        long blocks = (count + (long)block - 1) / block;
        int Edge(long share) => (int)Math.Min(count, blocks * share / Count * block);
        int start = Edge(Index - 1);
        return (start, Edge(Index) - start);
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
