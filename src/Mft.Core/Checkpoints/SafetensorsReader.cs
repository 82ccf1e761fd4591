using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Checkpoints;

/// <summary>
/// Reads a <c>.safetensors</c> file: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw data. The file is memory-mapped, so a tensor is copied straight
/// from the page cache into its torch tensor and no file is ever held in one managed array. Every header
/// field is validated; errors name the file and the tensor.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    /// <summary>Headers beyond this size are refused as corrupt (the format's own reference uses 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public SafetensorsReader(string path)
    {
        Path = path;
        if (!File.Exists(path)) throw new MftException($"{path}: file not found");
        long fileLength;
        byte[] headerBytes;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            // The open file's length, not FileInfo's: FileInfo gives a symbolic link's own size, and the Hugging Face
            // cache's snapshot folders hold every weight file as a link into blobs/.
            fileLength = fs.Length;
            if (fileLength < 8) throw Bad($"file is {fileLength} bytes, too short for a safetensors header");
            Span<byte> lenBytes = stackalloc byte[8];
            fs.ReadExactly(lenBytes);
            ulong headerLength = BitConverter.ToUInt64(lenBytes);
            if (headerLength > (ulong)(fileLength - 8))
                throw Bad($"header length {headerLength} runs past the end of the file ({fileLength} bytes): the file is truncated or not safetensors");
            if (headerLength > MaxHeaderBytes) throw Bad($"header length {headerLength} exceeds {MaxHeaderBytes} bytes");
            headerBytes = new byte[headerLength];
            fs.ReadExactly(headerBytes);
        }
        _dataStart = 8 + headerBytes.LongLength;
        long dataLength = fileLength - _dataStart;
        (Tensors, Metadata) = ParseHeader(headerBytes, dataLength);
        if (dataLength > 0)
        {
            _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _map.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
        }
    }

    private (Dictionary<string, SafetensorsTensorInfo>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw Bad($"header is not valid JSON ({e.Message})"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("header is not a JSON object");
        var tensors = new Dictionary<string, SafetensorsTensorInfo>();
        var metadata = new Dictionary<string, string>();
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not an object");
                foreach (var m in prop.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                continue;
            }
            tensors[prop.Name] = ParseEntry(prop.Name, prop.Value, dataLength);
        }
        var ordered = tensors.Values.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin).ToList();
        for (int i = 1; i < ordered.Count; i++)
            if (ordered[i].Begin < ordered[i - 1].End)
                throw Bad($"tensors '{ordered[i - 1].Name}' and '{ordered[i].Name}' overlap (bytes {ordered[i].Begin} < {ordered[i - 1].End})");
        return (tensors, metadata);
    }

    private SafetensorsTensorInfo ParseEntry(string name, JsonElement e, long dataLength)
    {
        try
        {
            var dtype = e.GetProperty("dtype").GetString() ?? "";
            if (!SafetensorsDType.TryParse(dtype, out var scalar, out var size))
                throw Bad($"tensor '{name}' has unsupported dtype '{dtype}'");
            var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (shape.Any(d => d < 0)) throw Bad($"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}]");
            var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (offsets.Length != 2) throw Bad($"tensor '{name}' data_offsets must have two entries");
            var (begin, end) = (offsets[0], offsets[1]);
            if (begin < 0 || end < begin) throw Bad($"tensor '{name}' has invalid data_offsets [{begin}, {end}]");
            if (end > dataLength)
                throw Bad($"tensor '{name}' data_offsets [{begin}, {end}] run past the data section ({dataLength} bytes): the file is truncated");
            var info = new SafetensorsTensorInfo(name, dtype, scalar, shape, begin, end);
            long expected;
            try { expected = checked(info.ElementCount * size); }
            catch (OverflowException) { throw Bad($"tensor '{name}' shape is too large"); }
            if (expected != info.ByteLength)
                throw Bad($"tensor '{name}' has {info.ByteLength} bytes but dtype {dtype} and shape [{string.Join(", ", shape)}] need {expected}");
            return info;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Bad($"tensor '{name}' header entry is malformed ({ex.Message})");
        }
    }

    /// <summary>Loads one tensor into a new CPU tensor of its stored dtype.</summary>
    public unsafe Tensor Load(string name)
    {
        if (!Tensors.TryGetValue(name, out var info)) throw new MftException($"{Path}: no tensor named '{name}'");
        var t = empty(info.Shape, info.ScalarType);
        if (info.ByteLength == 0) return t;
        byte* basePtr = null;
        _view!.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        try
        {
            var src = basePtr + _view.PointerOffset + _dataStart + info.Begin;
            var dst = t.bytes;
            long remaining = info.ByteLength, copied = 0;
            fixed (byte* d = dst)
            {
                while (remaining > 0)
                {
                    long n = Math.Min(remaining, 1L << 30);
                    Buffer.MemoryCopy(src + copied, d + copied, n, n);
                    copied += n; remaining -= n;
                }
            }
        }
        finally { _view.SafeMemoryMappedViewHandle.ReleasePointer(); }
        return t;
    }

    private MftException Bad(string what) => new($"{Path}: {what}");

    public void Dispose()
    {
        _view?.Dispose();
        _map?.Dispose();
    }
}
