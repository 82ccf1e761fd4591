using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Distributed;

/// <summary>
/// Sums the gradients of a list of parameters over the ranks of a group, as DDP's buckets do: the gradients, in the
/// list's order, are copied into flat fp32 buckets of at most <see cref="DefaultBucketElements"/> floats, each bucket is
/// summed in place by one all-reduce, and the sums are copied back. The order is fixed, so every rank ends with the same
/// bits. A parameter with no gradient on a rank (no target reached it) counts as zeros there and gets the sum.
/// One bucket is held at a time (128 MB), not a copy of every gradient.
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
        int first = 0;
        while (first < parameters.Count)
        {
            int end = first;
            long elements = 0;
            while (end < parameters.Count && (end == first || elements + parameters[end].NumberOfElements <= bucketElements))
                elements += parameters[end++].NumberOfElements;
            SumBucket(parameters, first, end, elements);
            first = end;
        }
    }

    private void SumBucket(IReadOnlyList<Tensor> parameters, int first, int end, long elements)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var bucket = zeros(elements, dtype: ScalarType.Float32);                         // (elements)
        long offset = 0;
        for (int i = first; i < end; i++)
        {
            long n = parameters[i].NumberOfElements;
            if (parameters[i].grad is { } g) bucket.narrow(0, offset, n).copy_(g.reshape(-1));
            offset += n;
        }
        group.SumInPlace(MemoryMarshal.Cast<byte, float>(bucket.bytes));
        offset = 0;
        for (int i = first; i < end; i++)
        {
            var p = parameters[i];
            long n = p.NumberOfElements;
            var sum = bucket.narrow(0, offset, n).view(p.shape);
            if (p.grad is { } g) g.copy_(sum);
            else p.grad = sum.clone();
            offset += n;
        }
    }
}
