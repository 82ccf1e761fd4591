namespace Mft.Bench;

/// <summary>The benchmark's minimal option parsing: <c>--name value</c> pairs.</summary>
internal static class BenchArgs
{
    public static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
