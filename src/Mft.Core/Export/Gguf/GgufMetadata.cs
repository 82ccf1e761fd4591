namespace Mft.Export.Gguf;

/// <summary>
/// GGUF's key-value metadata, in the order it is written. Each value keeps its GGUF type, so that a reader sees
/// exactly the types llama.cpp asks for (u32 for counts, f32 for epsilons, i32 arrays for token types).
/// </summary>
public sealed class GgufMetadata
{
    /// <summary>One entry: a scalar (string, bool, numbers) or an array of one element type.</summary>
    public sealed record Entry(string Key, GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8);

    private readonly List<Entry> _entries = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    public IReadOnlyList<Entry> Entries => _entries;

    public bool Contains(string key) => _keys.Contains(key);

    /// <summary>The value of a key, or null; for tests and for writing the Ollama Modelfile.</summary>
    public object? this[string key] => _entries.FirstOrDefault(e => e.Key == key)?.Value;

    public GgufMetadata String(string key, string value) => Add(new(key, GgufValueType.String, value));
    public GgufMetadata UInt32(string key, uint value) => Add(new(key, GgufValueType.UInt32, value));
    public GgufMetadata UInt32(string key, int value) => UInt32(key, checked((uint)value));
    public GgufMetadata Float32(string key, double value) => Add(new(key, GgufValueType.Float32, (float)value));
    public GgufMetadata Bool(string key, bool value) => Add(new(key, GgufValueType.Bool, value));
    public GgufMetadata Strings(string key, IReadOnlyList<string> values) => Add(new(key, GgufValueType.Array, values, GgufValueType.String));
    public GgufMetadata Floats(string key, IReadOnlyList<float> values) => Add(new(key, GgufValueType.Array, values, GgufValueType.Float32));
    public GgufMetadata Ints(string key, IReadOnlyList<int> values) => Add(new(key, GgufValueType.Array, values, GgufValueType.Int32));

    private GgufMetadata Add(Entry e)
    {
        if (!_keys.Add(e.Key)) throw new InvalidOperationException($"GGUF metadata key '{e.Key}' written twice");
        _entries.Add(e);
        return this;
    }
}
