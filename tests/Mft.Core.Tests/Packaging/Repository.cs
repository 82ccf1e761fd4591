namespace Mft.Tests.Packaging;

/// <summary>The repository the tests were built from, and the configuration they were built in.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mft.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Mft.sln: not found above {AppContext.BaseDirectory}");
    }
}
