using System.Buffers.Binary;

namespace Mft.Export.Gguf;

/// <summary>fp32 values to the bytes of a GGUF tensor: fp32 and fp16 little-endian, or Q8_0 blocks as ggml quantizes them.</summary>
public static class GgufEncoding
{
    public static byte[] Encode(float[] values, GgufTensorType type) => type switch
    {
        GgufTensorType.F32 => F32(values),
        GgufTensorType.F16 => F16(values),
        GgufTensorType.Q8_0 => Q8_0(values),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static byte[] F32(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    /// <summary>Round to nearest, ties to even, as numpy's astype(float16) and the F16C instructions do.</summary>
    private static byte[] F16(float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
        return bytes;
    }

    /// <summary>
    /// ggml's reference Q8_0 (quantize_row_q8_0_ref): per block of 32, d = max|x| / 127, q = round(x / d) with
    /// ties away from zero (computed as x · (1/d)), and d stored as fp16.
    /// </summary>
    public static byte[] Q8_0(float[] values)
    {
        const int n = GgufTensorTypes.Q8BlockValues;
        if (values.Length % n != 0) throw new ArgumentException($"Q8_0 needs a multiple of {n} values, got {values.Length}");
        var bytes = new byte[values.Length / n * GgufTensorTypes.Q8BlockBytes];
        for (int b = 0; b < values.Length / n; b++)
        {
            var block = values.AsSpan(b * n, n);
            float amax = 0;
            foreach (var x in block) amax = Math.Max(amax, Math.Abs(x));
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            var outBlock = bytes.AsSpan(b * GgufTensorTypes.Q8BlockBytes, GgufTensorTypes.Q8BlockBytes);
            BinaryPrimitives.WriteHalfLittleEndian(outBlock, (Half)d);
            for (int j = 0; j < n; j++)
                outBlock[2 + j] = unchecked((byte)(sbyte)MathF.Round(block[j] * id, MidpointRounding.AwayFromZero));
        }
        return bytes;
    }
}
