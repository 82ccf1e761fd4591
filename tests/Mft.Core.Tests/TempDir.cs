namespace Mft.Tests;

public static class TempDir
{
    public static string Create(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mft-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
