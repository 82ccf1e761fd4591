using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Distributed;

/// <summary>
/// Sums the gradients of a list of parameters over the ranks of a group, as DDP's buckets do: the gradients, flattened
/// and laid end to end in the list's order, are cut into fp32 buckets of at most <see cref="DefaultBucketElements"/>
/// floats; each bucket is filled, summed in place by one all-reduce, and copied back. The order is fixed, so every rank
/// ends with the same bits. A parameter with no gradient on a rank (no target reached it) counts as zeros there and
/// gets the sum. One bucket is held at a time (128 MB), whatever the size of a parameter.
/// </summary>
public sealed class GradientAllReduce(IProcessGroup group, long bucketElements = GradientAllReduce.DefaultBucketElements)
{
    /// <summary>32M floats: 128 MB a bucket.</summary>
    public const long DefaultBucketElements = 1L << 25;

    /// <summary>Sums every parameter's <c>grad</c> over the ranks (fp32 parameters).</summary>
    public void Sum(IReadOnlyList<Tensor> parameters)
    {
        if (group.Size == 1) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var p in parameters)
            if (p.grad is not { } g) p.grad = zeros_like(p);
            else if (!g.is_contiguous()) p.grad = g.contiguous();
        var flat = parameters.Select(p => p.grad!.reshape(-1)).ToList();                 // views of the gradients
        long total = flat.Sum(f => f.NumberOfElements);
        var bucket = empty(Math.Min(bucketElements, total), dtype: ScalarType.Float32);
        for (long start = 0; start < total; start += bucket.NumberOfElements)
        {
            long n = Math.Min(bucket.NumberOfElements, total - start);
            var piece = n == bucket.NumberOfElements ? bucket : empty(n, dtype: ScalarType.Float32);   // (n)
            Walk(flat, start, n, (gradient, at) => piece.narrow(0, at, gradient.NumberOfElements).copy_(gradient));
            group.SumInPlace(MemoryMarshal.Cast<byte, float>(piece.bytes));
            Walk(flat, start, n, (gradient, at) => gradient.copy_(piece.narrow(0, at, gradient.NumberOfElements)));
        }
    }

    /// <summary>Calls <paramref name="visit"/> with each piece of the gradients that falls in [start, start + n) of their concatenation, and its offset in that range.</summary>
    private static void Walk(List<Tensor> flat, long start, long n, Action<Tensor, long> visit)
    {
        long offset = 0;   // where the current gradient starts in the concatenation
        foreach (var f in flat)
        {
            long length = f.NumberOfElements;
            long from = Math.Max(start, offset), to = Math.Min(start + n, offset + length);
            if (from < to) visit(f.narrow(0, from - offset, to - from), from - start);
            offset += length;
            if (offset >= start + n) break;
        }
    }
}
