namespace Mft.Export.Gguf;

/// <summary>
/// What <c>mft export --dtype</c> asks for: the type of the weight matrices. Norms, biases and other vectors stay
/// fp32, as llama.cpp's converter keeps them. The value is <c>general.file_type</c> (<c>enum llama_ftype</c>).
/// </summary>
public enum GgufFileType : uint
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 7,
}

public static class GgufFileTypes
{
    public static GgufFileType Parse(string text, string key = "dtype") => text.ToLowerInvariant() switch
    {
        "f32" or "float32" => GgufFileType.F32,
        "f16" or "float16" => GgufFileType.F16,
        "q8_0" or "q8" => GgufFileType.Q8_0,
        _ => throw new OptionException(key, $"'{text}' is not a GGUF dtype (f32, f16 or q8_0)"),
    };

    public static string Name(this GgufFileType t) => t switch
    {
        GgufFileType.F32 => "f32",
        GgufFileType.F16 => "f16",
        _ => "q8_0",
    };

    /// <summary>The tensor type of a weight matrix whose rows have <paramref name="rowLength"/> values.</summary>
    public static GgufTensorType MatrixType(this GgufFileType t, long rowLength) => t switch
    {
        GgufFileType.F32 => GgufTensorType.F32,
        GgufFileType.F16 => GgufTensorType.F16,
        // a row that does not split into Q8_0 blocks is kept in fp16, as llama.cpp's converter does
        _ => rowLength % GgufTensorTypes.Q8BlockValues == 0 ? GgufTensorType.Q8_0 : GgufTensorType.F16,
    };
}
