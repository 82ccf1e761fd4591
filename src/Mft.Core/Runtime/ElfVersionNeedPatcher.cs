using System.Buffers.Binary;
using System.Text;

namespace Mft.Runtime;

/// <summary>
/// Marks named entries of an ELF64 shared object's version-need table (<c>.gnu.version_r</c>) as weak
/// (<c>vna_flags |= VER_FLG_WEAK</c>), so that the dynamic loader no longer refuses the library when the
/// system lacks that symbol version. Used for TorchSharp on Debian 12 (see docs/runtime.md).
/// </summary>
public static class ElfVersionNeedPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>Returns the version names the image needs (e.g. <c>GLIBCXX_3.4.32</c>), with their flags.</summary>
    public static IReadOnlyList<(string File, string Version, ushort Flags)> ReadVersionNeeds(byte[] image)
    {
        var result = new List<(string, string, ushort)>();
        Walk(image, (file, version, flagsOffset) =>
            result.Add((file, version, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(flagsOffset)))));
        return result;
    }

    /// <summary>Sets the weak flag on every need entry named <paramref name="version"/>; returns how many were changed.</summary>
    public static int MarkWeak(byte[] image, string version)
    {
        int changed = 0;
        Walk(image, (_, name, flagsOffset) =>
        {
            if (name != version) return;
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(flagsOffset));
            if ((flags & VerFlagWeak) != 0) return;
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(flagsOffset), (ushort)(flags | VerFlagWeak));
            changed++;
        });
        return changed;
    }

    private static void Walk(byte[] image, Action<string, string, int> visit)
    {
        var span = image.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (span[4] != 2 || span[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 is supported");
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        if (shoff == 0 || shentsize < 64 || shoff + (ulong)shentsize * shnum > (ulong)span.Length)
            throw new InvalidDataException("ELF section header table out of range");

        (uint Type, ulong Offset, ulong Size, uint Link, uint Info) Section(int i)
        {
            var s = image.AsSpan((int)(shoff + (ulong)(i * shentsize)));
            return (BinaryPrimitives.ReadUInt32LittleEndian(s[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[0x18..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[0x20..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[0x28..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[0x2C..]));
        }

        for (int i = 0; i < shnum; i++)
        {
            var sec = Section(i);
            if (sec.Type != ShtGnuVerneed) continue;
            var strtab = Section((int)sec.Link);
            string Str(uint off)
            {
                int start = checked((int)(strtab.Offset + off));
                int end = Array.IndexOf(image, (byte)0, start);
                if (end < 0) throw new InvalidDataException("ELF string table is not terminated");
                return Encoding.ASCII.GetString(image, start, end - start);
            }
            int need = checked((int)sec.Offset);
            for (uint n = 0; n < sec.Info; n++)
            {
                ushort cnt = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                string file = Str(BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 4)..]));
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (int a = 0; a < cnt; a++)
                {
                    string name = Str(BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]));
                    visit(file, name, aux + 4);
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0) break;
                need += (int)next;
            }
        }
    }
}
