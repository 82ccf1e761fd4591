namespace Mft.Export.Gguf;

/// <summary>
/// The ggml tensor types Mft writes (<c>enum ggml_type</c>): fp32, fp16, and Q8_0 (blocks of 32 values sharing one
/// fp16 scale, each value an int8).
/// </summary>
public enum GgufTensorType : uint
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
}

public static class GgufTensorTypes
{
    /// <summary>Values per Q8_0 block and bytes per block (fp16 scale + 32 int8).</summary>
    public const int Q8BlockValues = 32, Q8BlockBytes = 34;

    /// <summary>Bytes of a tensor of <paramref name="count"/> values; rows of Q8_0 must be a multiple of 32.</summary>
    public static long ByteSize(this GgufTensorType type, long count) => type switch
    {
        GgufTensorType.F32 => count * 4,
        GgufTensorType.F16 => count * 2,
        GgufTensorType.Q8_0 => count / Q8BlockValues * Q8BlockBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
