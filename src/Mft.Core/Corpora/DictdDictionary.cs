using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Mft.Corpora;

/// <summary>
/// A dictd dictionary (Debian's dict-jargon, dict-devil, ...): <c>NAME.index</c> lines "headword TAB offset TAB
/// length" with dictd's base-64 numbers, into the gzip-compressed <c>NAME.dict.dz</c>. Each entry is one
/// document; blank lines inside an entry are dropped and indentation removed.
/// </summary>
public static partial class DictdDictionary
{
    private const string Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static List<string> ReadEntries(string indexPath, string dictPath)
    {
        if (!File.Exists(indexPath)) throw new MftException($"{indexPath}: file not found");
        if (!File.Exists(dictPath)) throw new MftException($"{dictPath}: file not found");
        byte[] data;
        using (var gz = new GZipStream(File.OpenRead(dictPath), CompressionMode.Decompress))
        using (var ms = new MemoryStream())
        {
            gz.CopyTo(ms);
            data = ms.ToArray();
        }
        var entries = new List<string>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(indexPath))
        {
            lineNo++;
            var parts = line.Split('\t');
            if (parts.Length < 3) throw new MftException($"{indexPath}:{lineNo}: expected headword, offset and length");
            if (parts[0].StartsWith("00database", StringComparison.Ordinal) || parts[0].StartsWith("00-database", StringComparison.Ordinal)) continue;
            long offset = Decode(parts[1]), length = Decode(parts[2]);
            if (offset + length > data.Length) throw new MftException($"{indexPath}:{lineNo}: entry runs past the end of {dictPath}");
            var text = Clean(Encoding.UTF8.GetString(data, (int)offset, (int)length));
            if (text.Length > 0) entries.Add(text);
        }
        return entries.Distinct().ToList();
    }

    private static long Decode(string s) => s.Aggregate(0L, (acc, c) =>
    {
        int d = Digits.IndexOf(c);
        if (d < 0) throw new MftException($"invalid dictd number '{s}'");
        return acc * 64 + d;
    });

    private static string Clean(string entry)
    {
        var lines = entry.Replace("\r", "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        return Spaces().Replace(string.Join('\n', lines), " ").Trim();
    }

    [GeneratedRegex(@"[ \t]{2,}")] private static partial Regex Spaces();
}
