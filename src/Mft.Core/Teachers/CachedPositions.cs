using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// Where a teacher cache keeps each training row: rows' scored positions (all but each row's last token) one after
/// another, then one extra row that padding reads. Maps a collated batch (B rows of T positions) to indices into it.
/// </summary>
internal sealed class CachedPositions
{
    private readonly Dictionary<TokenSequence, long> _offsets = new(ReferenceEqualityComparer.Instance);

    /// <summary>Scored positions of all rows; also the index of the extra row.</summary>
    public long Count { get; }

    public CachedPositions(IReadOnlyList<TokenSequence> rows)
    {
        long offset = 0;
        foreach (var r in rows) { _offsets[r] = offset; offset += r.Ids.Length - 1; }
        Count = offset;
    }

    /// <summary>(B·T) indices for <paramref name="rows"/> collated to <paramref name="t"/> positions; padding and each row's last position read the extra row.</summary>
    public long[] Index(IReadOnlyList<TokenSequence> rows, long t)
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

    /// <summary>One row's scored positions in a teacher pass: its slice of the batch's outputs and of the cache.</summary>
    public readonly record struct RowSlice(ITeacherBatch Outputs, Batch Batch, int Row, long BatchStart, long Offset, long Count);

    /// <summary>
    /// Runs <paramref name="teacher"/> over <paramref name="rows"/>, <paramref name="batchSize"/> rows at a time from the
    /// first (so a share that starts on a batch boundary gets exactly the numbers one pass over all rows gets), and hands
    /// each row's scored positions to <paramref name="visit"/>, in cache order, inside the batch's dispose scope.
    /// </summary>
    public static void RunTeacher(ITeacher teacher, IReadOnlyList<TokenSequence> rows, int batchSize, Device device, Action<RowSlice> visit)
    {
        long offset = 0;
        for (int start = 0; start < rows.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var _ = inference_mode();
            var group = rows.Skip(start).Take(batchSize).ToList();
            var batch = Batch.Collate(group, device);
            var outputs = teacher.Run(batch.Inputs, group);
            long t = batch.Inputs.shape[1];
            for (int b = 0; b < group.Count; b++)
            {
                long n = group[b].Ids.Length - 1;
                visit(new RowSlice(outputs, batch, b, b * t, offset, n));
                offset += n;
            }
        }
    }
}
