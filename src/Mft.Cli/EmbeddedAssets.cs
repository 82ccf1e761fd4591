namespace Mft.Cli;

/// <summary>Finds the repository's embedded model and corpora: from the current folder, else upward from the program.</summary>
public static class EmbeddedAssets
{
    public static string Find(string relative, string marker)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(Path.Combine(candidate, marker))) return candidate;
            }
        throw new MftException($"{relative}: not found here or above the program; run from the repository, or pass its location explicitly");
    }
}
