using Mft.Data;

namespace Mft.Training;

/// <summary>
/// Where a teacher cache keeps each training row: rows' scored positions (all but each row's last token) one after
/// another, then one extra row that padding reads. Maps a collated batch (B rows of T positions) to indices into it.
/// </summary>
internal sealed class CachedPositions
{
    private readonly Dictionary<TrainingSequence, long> _offsets = new(ReferenceEqualityComparer.Instance);

    /// <summary>Scored positions of all rows; also the index of the extra row.</summary>
    public long Count { get; }

    public CachedPositions(IReadOnlyList<TrainingSequence> rows)
    {
        long offset = 0;
        foreach (var r in rows) { _offsets[r] = offset; offset += r.Ids.Length - 1; }
        Count = offset;
    }

    /// <summary>(B·T) indices for <paramref name="rows"/> collated to <paramref name="t"/> positions; padding and each row's last position read the extra row.</summary>
    public long[] Index(IReadOnlyList<TrainingSequence> rows, long t)
    {
        var index = new long[rows.Count * t];
        for (int b = 0; b < rows.Count; b++)
        {
            if (!_offsets.TryGetValue(rows[b], out var offset)) throw new InvalidOperationException("a training row is not in the teacher cache");
            long n = rows[b].Ids.Length - 1;
            for (long i = 0; i < t; i++) index[b * t + i] = i < n ? offset + i : Count;
        }
        return index;
    }
}
