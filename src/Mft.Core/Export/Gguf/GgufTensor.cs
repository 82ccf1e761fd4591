namespace Mft.Export.Gguf;

/// <summary>
/// A tensor to write: its GGUF name, its shape in PyTorch order (outermost first; GGUF stores the reverse, ne[0]
/// fastest), the type to store it as, and a function that produces its fp32 values in row-major order when the
/// writer reaches it, so that only one tensor is held in memory at a time.
/// </summary>
public sealed record GgufTensor(string Name, long[] Shape, GgufTensorType Type, Func<float[]> Values)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Length of the innermost dimension (GGUF's ne[0]), the unit Q8_0 blocks are cut from.</summary>
    public long RowLength => Shape[^1];

    public long ByteSize => Type.ByteSize(Count);
}
