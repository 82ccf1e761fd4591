using System.Diagnostics;
using System.Text.Json;

namespace Mft.Tests.Reference;

/// <summary>
/// python3-sentencepiece (Debian's package, SentencePiece's own C++ through Python) run as a separate process by
/// <c>Tokenization/SentencePiece/sentencepiece_reference.py</c>: it trains small models covering SentencePiece's
/// options and encodes/decodes with any model. CI installs it; a missing package fails the tests that need it.
/// </summary>
public static class SentencePieceReference
{
    public const string Python = "/usr/bin/python3";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Tokenization", "SentencePiece");
    private static string Script => Path.Combine(Folder, "sentencepiece_reference.py");

    private static readonly Lazy<(string Dir, string[] Names)> Trained = new(() =>
    {
        var dir = TempDir.Create("spm-trained");
        var names = JsonSerializer.Deserialize<string[]>(Run(["train", dir], null))!;
        return (dir, names);
    });

    /// <summary>The folder of the models trained once per test run, and their names (file = name + ".model").</summary>
    public static (string Dir, string[] Names) TrainedModels => Trained.Value;

    public static int[][] Encode(string model, IReadOnlyList<string> texts) =>
        JsonSerializer.Deserialize<int[][]>(Run(["encode", model], JsonSerializer.Serialize(texts)))!;

    public static string[] Decode(string model, IReadOnlyList<int[]> ids) =>
        JsonSerializer.Deserialize<string[]>(Run(["decode", model], JsonSerializer.Serialize(ids)))!;

    private static string Run(string[] args, string? stdin)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{Python} is needed for the SentencePiece reference (bash scripts/test.sh installs it: apt-get install python3-sentencepiece): {e.Message}");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null) process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException(
                    $"sentencepiece_reference.py {args[0]} failed ({process.ExitCode}); python3-sentencepiece installed? bash scripts/test.sh installs it. {stderr.Result}");
            return stdout;
        }
    }
}
