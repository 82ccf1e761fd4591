using System.Text;

namespace Mft.Tests.UserPath;

/// <summary>
/// One <c>mft</c> command as the documentation shows it to a user: a line of an indented (four-space) code block
/// in README.md or docs/*.md that starts the program (<c>mft</c>, the installed <c>~/.mft/mft</c>, or
/// <c>dotnet run --project src/Mft.Cli -c Release --</c>), with its backslash continuations joined, its shell
/// comment dropped and its words split as a POSIX shell splits them. Optional words in brackets (<c>[--time T]</c>)
/// are left out: they stand for options the user may add.
/// </summary>
public sealed record DocumentedCommand(string File, int Line, IReadOnlyList<string> Arguments)
{
    private static readonly string[] Programs = ["mft ", "~/.mft/mft ", "dotnet run --project src/Mft.Cli -c Release -- "];

    /// <summary>The subcommand (<c>train</c>, <c>sweep</c>, <c>tokenizer train</c> counts as <c>tokenizer</c>), or the first flag.</summary>
    public string Verb => Arguments.Count == 0 ? "" : Arguments[0];

    public override string ToString() => $"{File}:{Line}: mft {string.Join(' ', Arguments)}";

    /// <summary>Every command of one Markdown file, in the order the file gives them.</summary>
    public static IReadOnlyList<DocumentedCommand> Read(string root, string relativePath)
    {
        var lines = System.IO.File.ReadAllLines(Path.Combine(root, relativePath));
        var found = new List<DocumentedCommand>();
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (fenced || !lines[i].StartsWith("    ", StringComparison.Ordinal)) continue;
            var text = lines[i][4..].TrimStart();
            var program = Programs.FirstOrDefault(p => text.StartsWith(p, StringComparison.Ordinal));
            if (program is null) continue;
            int first = i;
            var joined = new StringBuilder(StripComment(text[program.Length..]));
            while (joined.ToString().TrimEnd().EndsWith('\\') && i + 1 < lines.Length)
            {
                var trimmed = joined.ToString().TrimEnd();
                joined.Clear().Append(trimmed[..^1]).Append(' ').Append(StripComment(lines[++i].Trim()));
            }
            found.Add(new DocumentedCommand(relativePath, first + 1, WithoutOptionalWords(ShellWords(joined.ToString()))));
        }
        return found;
    }

    /// <summary>The Markdown files a user reads: README.md and every file in docs/ (not the generated reports' subfolders).</summary>
    public static IEnumerable<string> DocumentationFiles(string root) =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal));

    private static string StripComment(string line)
    {
        bool single = false, dbl = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\'' && !dbl) single = !single;
            else if (c == '"' && !single) dbl = !dbl;
            else if (c == '#' && !single && !dbl && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    private static List<string> ShellWords(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else word.Append(c);
            }
            else if (c is '\'' or '"') { quote = c; inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(word.ToString()); word.Clear(); inWord = false; }
            }
            else { word.Append(c); inWord = true; }
        }
        if (quote != '\0') throw new FormatException($"unclosed quote in: {text}");
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static List<string> WithoutOptionalWords(List<string> words)
    {
        var kept = new List<string>();
        int depth = 0;
        foreach (var w in words)
        {
            if (w.StartsWith('[')) depth++;
            if (depth == 0) kept.Add(w);
            if (w.EndsWith(']')) depth--;
        }
        return kept;
    }
}
