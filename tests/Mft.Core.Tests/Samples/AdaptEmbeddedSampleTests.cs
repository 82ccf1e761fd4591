using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mft.Tests.Packaging;

namespace Mft.Tests.Samples;

/// <summary>samples/AdaptEmbedded, as a user runs it: from the repository, minifinetuning the embedded model.</summary>
public sealed class AdaptEmbeddedSampleTests
{
    [Fact]
    public void Should_adapt_the_embedded_model_and_print_the_s_and_d_of_its_report()
    {
        // Given the sample as built with the solution
        var sample = Path.Combine(Repository.Root, "samples", "AdaptEmbedded", "bin", Repository.Configuration, "net10.0", "linux-x64", "AdaptEmbedded.dll");
        Assert.True(File.Exists(sample), $"{sample}: not built");
        var folder = TempDir.Create("sample");
        try { Run(sample, Path.Combine(folder, "run")); }
        finally { Directory.Delete(folder, recursive: true); }   // the tuned model is 21 MB
    }

    private static void Run(string sample, string outDir)
    {
        // When it runs from the repository
        var r = ExternalProcess.Run("dotnet", [sample, outDir], Repository.Root, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["LC_ALL"] = "C.UTF-8", ["LANG"] = "C.UTF-8" });
        // Then it specialized the model, wrote it, and printed the S, D and S/D of the run's report
        Assert.True(r.ExitCode == 0, r.Describe());
        var m = Regex.Match(r.Output, @"S = (-?[\d.]+) ?%, D = (-?[\d.]+) ?%, S/D = (.+)");
        Assert.True(m.Success, r.Output);
        double Percent(int group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) / 100;
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        var json = report.RootElement;
        Assert.Equal(json.GetProperty("specialization").GetDouble(), Percent(1), 0.00006);
        Assert.Equal(json.GetProperty("degeneralization").GetDouble(), Percent(2), 0.00006);
        Assert.Equal(json.GetProperty("ratio_text").GetString(), m.Groups[3].Value.Trim());
        Assert.True(Percent(1) > 0.05, $"specialization {Percent(1):P2}: the domain perplexity barely moved\n{r.Output}");
        Assert.True(File.Exists(Path.Combine(outDir, "model", "model.safetensors")), "tuned model");
    }
}
