using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Mft.Checkpoints;

/// <summary>
/// Writes tensors as one <c>.safetensors</c> file (sorted names, 8-byte aligned header, contiguous data).
/// The file is written under a temporary name and renamed into place, so a crash never leaves half a file.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, t) in list)
        {
            long bytes = t.NumberOfElements * SafetensorsDType.SizeOf(t.dtype);
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = SafetensorsDType.NameOf(t.dtype),
                ["shape"] = t.shape,
                ["data_offsets"] = new[] { offset, offset + bytes },
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int pad = (8 - json.Length % 8) % 8;
        var headerBytes = new byte[json.Length + pad];
        json.CopyTo(headerBytes, 0);
        for (int i = json.Length; i < headerBytes.Length; i++) headerBytes[i] = (byte)' ';

        AtomicFile.Write(path, fs =>
        {
            fs.Write(BitConverter.GetBytes((ulong)headerBytes.Length));
            fs.Write(headerBytes);
            foreach (var (_, t) in list)
            {
                using var scope = NewDisposeScope();   // the detached, moved and contiguous copies go with each tensor (docs/runtime.md)
                var c = t.detach().cpu().contiguous();
                fs.Write(c.bytes);
            }
        });
    }
}
