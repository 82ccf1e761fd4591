using System.Diagnostics;

namespace Mft.Tests.Packaging;

/// <summary>
/// Packs Mft.Core and the Mft.Cli tool from the tests' own build (no rebuild) into a temporary feed, under a version
/// no other run uses (so no NuGet cache can hand back an older package), and installs the tool into a temporary
/// --tool-path as the README says. Everything lives in one temporary folder, deleted afterwards (about 1.5 GB).
/// </summary>
public sealed class PackagesFixture : IDisposable
{
    public string Folder { get; } = TempDir.Create("packages");
    public string Version { get; } = $"0.0.0-test.{Guid.NewGuid():N}"[..24];
    public string Feed => Path.Combine(Folder, "feed");
    public string ToolPath => Path.Combine(Folder, "tool");
    public string Mft => Path.Combine(ToolPath, "mft");
    public string CorePackage => Path.Combine(Feed, $"Mft.Core.{Version}.nupkg");
    public string ToolPackage => Path.Combine(Feed, $"Mft.Cli.{Version}.nupkg");
    public TimeSpan PackTime { get; }
    public TimeSpan InstallTime { get; }

    /// <summary>The installed tool's program folder, where the shipped models/ and data/ are.</summary>
    public string InstalledProgramFolder =>
        Path.GetDirectoryName(Directory.EnumerateFiles(Path.Combine(ToolPath, ".store"), "mft.dll", SearchOption.AllDirectories).Single())!;

    public PackagesFixture()
    {
        var watch = Stopwatch.StartNew();
        Dotnet("pack", Path.Combine(Repository.Root, "src", "Mft.Core", "Mft.Core.csproj"), "-c", Repository.Configuration, "--no-build",
            "-o", Feed, $"-p:PackageVersion={Version}");
        Dotnet("pack", Path.Combine(Repository.Root, "src", "Mft.Cli", "Mft.Cli.csproj"), "-c", Repository.Configuration, "--no-build",
            "-o", Feed, $"-p:PackageVersion={Version}", $"-p:PublishDir={Path.Combine(Folder, "publish")}/");
        PackTime = watch.Elapsed;
        watch.Restart();
        Dotnet("tool", "install", "Mft.Cli", "--tool-path", ToolPath, "--add-source", Feed, "--version", Version, "--ignore-failed-sources");
        InstallTime = watch.Elapsed;
    }

    public ExternalProcess.Result RunMft(string workingDirectory, params string[] args) =>
        ExternalProcess.Run(Mft, args, workingDirectory, TimeSpan.FromMinutes(2));

    private void Dotnet(params string[] args)
    {
        var r = ExternalProcess.Run("dotnet", args, Folder, TimeSpan.FromMinutes(5));
        if (r.ExitCode != 0) throw new InvalidOperationException($"dotnet {string.Join(' ', args)}: {r.Describe()}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
