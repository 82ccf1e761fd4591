using System.Text;
using Mft.Checkpoints;

namespace Mft.Export.Gguf;

/// <summary>
/// Writes a GGUF v3 file (llama.cpp's docs/gguf.md): the header (magic, version, tensor and key counts), the
/// metadata, one info record per tensor (name, dims with the fastest first, type, offset), then the tensor data,
/// every tensor starting on a multiple of <c>general.alignment</c> (32). All little-endian. The file appears under its
/// name only when complete.
/// </summary>
public static class GgufWriter
{
    public const uint Magic = 0x46554747;   // "GGUF" read as a little-endian u32
    public const uint Version = 3;
    public const int Alignment = 32;

    public static void Write(string path, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (!names.Add(t.Name)) throw new InvalidOperationException($"tensor '{t.Name}' written twice");
            if (t.Type == GgufTensorType.Q8_0 && t.RowLength % GgufTensorTypes.Q8BlockValues != 0)
                throw new InvalidOperationException($"tensor '{t.Name}': rows of {t.RowLength} values do not split into Q8_0 blocks");
        }
        AtomicFile.Write(path, fs =>
        {
            using var w = new BinaryWriter(fs, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
            w.Write((ulong)tensors.Count);
            w.Write((ulong)metadata.Entries.Count);
            foreach (var e in metadata.Entries)
            {
                WriteString(w, e.Key);
                w.Write((uint)e.Type);
                WriteValue(w, e);
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                WriteString(w, t.Name);
                w.Write((uint)t.Shape.Length);
                for (int d = t.Shape.Length - 1; d >= 0; d--) w.Write((ulong)t.Shape[d]);   // ne[0] is the innermost
                w.Write((uint)t.Type);
                w.Write((ulong)offset);
                offset = Align(offset + t.ByteSize);
            }
            w.Flush();
            Pad(fs);
            foreach (var t in tensors)
            {
                var values = t.Values();
                if (values.LongLength != t.Count)
                    throw new InvalidOperationException($"tensor '{t.Name}': {values.LongLength} values for shape [{string.Join(", ", t.Shape)}]");
                fs.Write(GgufEncoding.Encode(values, t.Type));
                Pad(fs);
            }
        });
    }

    private static long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void Pad(Stream s)
    {
        long pad = Align(s.Position) - s.Position;
        for (long i = 0; i < pad; i++) s.WriteByte(0);
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufMetadata.Entry e)
    {
        switch (e.Type)
        {
            case GgufValueType.String: WriteString(w, (string)e.Value); break;
            case GgufValueType.UInt32: w.Write((uint)e.Value); break;
            case GgufValueType.Float32: w.Write((float)e.Value); break;
            case GgufValueType.Bool: w.Write((byte)((bool)e.Value ? 1 : 0)); break;
            case GgufValueType.Array:
                w.Write((uint)e.ElementType);
                switch (e.ElementType)
                {
                    case GgufValueType.String:
                        var strings = (IReadOnlyList<string>)e.Value;
                        w.Write((ulong)strings.Count);
                        foreach (var s in strings) WriteString(w, s);
                        break;
                    case GgufValueType.Float32:
                        var floats = (IReadOnlyList<float>)e.Value;
                        w.Write((ulong)floats.Count);
                        foreach (var f in floats) w.Write(f);
                        break;
                    case GgufValueType.Int32:
                        var ints = (IReadOnlyList<int>)e.Value;
                        w.Write((ulong)ints.Count);
                        foreach (var i in ints) w.Write(i);
                        break;
                    default: throw new InvalidOperationException($"arrays of {e.ElementType} are not written");
                }
                break;
            default: throw new InvalidOperationException($"metadata type {e.Type} is not written");
        }
    }
}
