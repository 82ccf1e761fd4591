using System.IO.Compression;
using System.Xml.Linq;
using Mft.Runtime;
using Xunit.Abstractions;

namespace Mft.Tests.Packaging;

/// <summary>
/// The packages as users get them: Mft.Core's contents and metadata, and the Mft.Cli tool installed from its
/// package into a folder of its own, run from a folder outside the repository.
/// </summary>
public sealed class PackageTests(PackagesFixture packages, ITestOutputHelper output) : IClassFixture<PackagesFixture>
{
    private static readonly string[] ShippedAssets =
    [
        "models/base/config.json", "models/base/model.safetensors", "models/base/tokenizer.json", "models/base/tokenizer_config.json",
        "data/SOURCES.md", "data/general/train.txt", "data/general/test.txt",
        "data/domains/bible/train.txt", "data/domains/bible/test.txt", "data/domains/jargon/train.txt", "data/domains/jargon/test.txt",
        "data/domains/devil/train.txt", "data/domains/devil/test.txt",
        "data/tasks/general.jsonl", "data/tasks/bible.jsonl", "data/tasks/jargon.jsonl", "data/tasks/devil.jsonl",
    ];

    private static List<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static XElement Nuspec(string package, string id)
    {
        using var zip = ZipFile.OpenRead(package);
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    [Fact]
    public void Should_pack_the_library_with_its_xml_docs_and_no_test_bench_or_sample_code()
    {
        var entries = Entries(packages.CorePackage);
        var payload = entries.Where(e => !e.StartsWith("_rels/") && !e.StartsWith("package/") && e != "[Content_Types].xml").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Mft.Core.nuspec", "README.md", "lib/net10.0/Mft.Core.dll", "lib/net10.0/Mft.Core.xml"], payload);
        Assert.True(File.Exists(Path.ChangeExtension(packages.CorePackage, ".snupkg")), "symbols package");

        using var zip = ZipFile.OpenRead(packages.CorePackage);
        using var docs = new StreamReader(zip.GetEntry("lib/net10.0/Mft.Core.xml")!.Open());
        var documented = XDocument.Parse(docs.ReadToEnd()).Descendants("member").Where(m => m.Element("summary") is not null)
            .Select(m => m.Attribute("name")!.Value).ToHashSet();
        foreach (var entry in new[]
        {
            "T:Mft.Jobs.FinetuneJob", "M:Mft.Jobs.FinetuneJob.Run(System.Threading.CancellationToken)", "T:Mft.Jobs.FinetuneJobConfig",
            "P:Mft.Jobs.FinetuneJobConfig.ModelDirectory", "P:Mft.Jobs.FinetuneJobConfig.OutputDirectory", "P:Mft.Jobs.FinetuneJobConfig.Trainer",
            "T:Mft.Training.TrainerConfig", "P:Mft.Training.TrainerConfig.Tau", "T:Mft.Jobs.FinetuneResult",
            "T:Mft.Evaluation.SpecializationReport", "P:Mft.Evaluation.SpecializationReport.Specialization", "P:Mft.Evaluation.SpecializationReport.Degeneralization",
            "T:Mft.Models.PretrainedModel", "T:Mft.Generation.TextGenerator", "T:Mft.Runtime.VersionInfo",
        })
            Assert.True(documented.Contains(entry), $"{entry}: no XML doc summary in the package");
    }

    [Fact]
    public void Should_describe_the_library_package_with_authors_repository_and_torch_dependency()
    {
        var m = Nuspec(packages.CorePackage, "Mft.Core");
        Assert.Equal("Mft.Core", Value(m, "id"));
        Assert.Equal(packages.Version, Value(m, "version"));
        Assert.Equal("Mft contributors", Value(m, "authors"));
        Assert.Contains("inifinetuning", Value(m, "description"));
        Assert.Equal("MIT", Value(m, "license"));
        var repository = m.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.False(string.IsNullOrEmpty(repository.Attribute("url")?.Value), "repository url");
        var dependencies = m.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToList();
        Assert.Contains("TorchSharp-cpu", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("xunit", StringComparison.OrdinalIgnoreCase) || d.Contains("Test"));
    }

    [Fact]
    public void Should_pack_the_cli_as_the_mft_tool_for_linux_x64_with_the_embedded_model_and_corpora()
    {
        var entries = Entries(packages.ToolPackage);
        const string Program = "tools/net10.0/linux-x64/";
        Assert.Contains(Program + "mft.dll", entries);
        foreach (var asset in ShippedAssets) Assert.Contains(Program + asset, entries);
        Assert.DoesNotContain(entries, e => e.Contains("/runtimes/win") || e.Contains("/runtimes/osx") || e.EndsWith(".dylib") || e.EndsWith(".dll") && e.Contains("/runtimes/"));
        Assert.DoesNotContain(entries, e => e.Contains("xunit") || e.Contains("Mft.Core.Tests") || e.Contains("Mft.Bench") || e.Contains("AdaptEmbedded"));
        Assert.DoesNotContain(Program + "libtorch_python.so", entries);

        using var zip = ZipFile.OpenRead(packages.ToolPackage);
        using var settings = zip.GetEntry(Program + "DotnetToolSettings.xml")!.Open();
        var command = XDocument.Load(settings).Descendants("Command").Single();
        Assert.Equal("mft", command.Attribute("Name")?.Value);
        // nuget.org takes packages up to 250 MB; with every platform's libtorch the tool would be several times that.
        Assert.True(new FileInfo(packages.ToolPackage).Length < 250L << 20, $"{packages.ToolPackage}: {new FileInfo(packages.ToolPackage).Length >> 20} MB");
    }

    [Fact]
    public void Should_print_the_mft_torchsharp_and_libtorch_versions_from_the_installed_tool()
    {
        output.WriteLine($"packing both packages took {packages.PackTime.TotalSeconds:F1} s, installing the tool {packages.InstallTime.TotalSeconds:F1} s");
        var r = packages.RunMft(TempDir.Create("tool-version"), "--version");
        Assert.True(r.ExitCode == 0, r.Describe());
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"Mft {VersionInfo.Mft}", $"TorchSharp {VersionInfo.TorchSharp} (cpu backend)", $"libtorch {VersionInfo.LibTorch}"], lines);
        Assert.StartsWith("0.107.0", VersionInfo.TorchSharp);
        Assert.StartsWith("2.10.0", VersionInfo.LibTorch);
    }

    [Fact]
    public void Should_generate_with_the_shipped_model_as_the_repository_build_does_with_the_repository_model()
    {
        // Given the installed tool, run from a folder outside the repository, and the repository's own build
        var outside = TempDir.Create("tool-generate");
        string[] Args(string model) => ["generate", "--model", model, "--prompt", "The history of the", "--max-new-tokens", "5", "--temperature", "0"];
        // When both continue the same prompt greedily
        var installed = packages.RunMft(outside, Args(Path.Combine(packages.InstalledProgramFolder, "models", "base")));
        var repository = ExternalProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "mft.dll"), .. Args(Path.Combine(Repository.Root, "models", "base"))],
            outside, TimeSpan.FromMinutes(2));
        // Then they write the same continuation
        Assert.True(installed.ExitCode == 0, installed.Describe());
        Assert.True(repository.ExitCode == 0, repository.Describe());
        Assert.StartsWith("The history of the ", installed.Output);
        Assert.True(installed.Output.Trim().Length > "The history of the".Length, installed.Output);
        Assert.Equal(repository.Output, installed.Output);
    }

    [Fact]
    public void Should_export_the_shipped_model_to_gguf_from_the_installed_tool()
    {
        // mft export touches torch before it loads a model: before the runtime was loaded with Mft.Core, a fresh
        // process failed here ("The type initializer for 'TorchSharp.torch' threw an exception") while the tests passed.
        var outside = TempDir.Create("tool-export");
        var r = packages.RunMft(outside, "export", "--model", Path.Combine(packages.InstalledProgramFolder, "models", "base"), "--format", "gguf",
            "--dtype", "q8_0", "--out", "m.gguf");
        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal("GGUF"u8.ToArray(), File.ReadAllBytes(Path.Combine(outside, "m.gguf"))[..4]);
    }

    [Fact]
    public void Should_find_the_shipped_model_and_corpora_from_a_folder_outside_the_repository()
    {
        // An unknown domain stops the demo at its input check, after it has looked for the embedded model and data.
        var r = packages.RunMft(TempDir.Create("tool-demo"), "demo", "--domains", "nosuch");
        Assert.Equal(2, r.ExitCode);
        var expected = Path.Combine(packages.InstalledProgramFolder, "data", "domains", "nosuch", "train.txt");
        Assert.Contains($"error: {expected}: not found", r.Error);
    }
}
