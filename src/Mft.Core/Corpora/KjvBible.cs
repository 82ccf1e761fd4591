using System.Text.RegularExpressions;

namespace Mft.Corpora;

/// <summary>
/// The King James Bible as Debian's bible-kjv prints it (<c>bible -l10000 "Genesis 1:1-Revelation 22:21"</c>):
/// book-and-chapter heading lines, then one verse per line led by its number. Each verse is one document.
/// </summary>
public static partial class KjvBible
{
    public static List<string> ReadVerses(string path)
    {
        if (!File.Exists(path)) throw new MftException($"{path}: file not found");
        var verses = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            var m = Verse().Match(line);
            if (m.Success) verses.Add(m.Groups[1].Value.Trim());
        }
        if (verses.Count == 0) throw new MftException($"{path}: no verses found (expected the output of `bible -l10000 ...`)");
        return verses;
    }

    [GeneratedRegex(@"^\s*\d+\s+(\S.*)$")] private static partial Regex Verse();
}
