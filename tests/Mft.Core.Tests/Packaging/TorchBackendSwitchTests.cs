using System.Text.Json;

namespace Mft.Tests.Packaging;

/// <summary>
/// -p:TorchBackend: cpu (default) references TorchSharp-cpu; cuda swaps in TorchSharp with CUDA libtorch for Linux and
/// compiles the CUDA messages. Checked by evaluating the project (a CUDA restore needs packages this registry lacks).
/// </summary>
public sealed class TorchBackendSwitchTests
{
    private static (List<string> References, string Constants) Evaluate(params string[] properties)
    {
        var project = Path.Combine(Repository.Root, "src", "Mft.Core", "Mft.Core.csproj");
        var r = ExternalProcess.Run("dotnet", ["msbuild", project, "-getItem:PackageReference", "-getProperty:DefineConstants", .. properties],
            Repository.Root, TimeSpan.FromMinutes(1));
        Assert.True(r.ExitCode == 0, r.Describe());
        using var json = JsonDocument.Parse(r.Output);
        var references = json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(e => e.GetProperty("Identity").GetString()!).ToList();
        return (references, json.RootElement.GetProperty("Properties").GetProperty("DefineConstants").GetString()!);
    }

    [Fact]
    public void Should_reference_torchsharp_cpu_by_default()
    {
        var (references, constants) = Evaluate();
        Assert.Contains("TorchSharp-cpu", references);
        Assert.DoesNotContain("TorchSharp", references);
        Assert.DoesNotContain(references, r => r.StartsWith("libtorch-cuda", StringComparison.Ordinal));
        Assert.DoesNotContain("MFT_TORCH_CUDA", constants);
    }

    [Fact]
    public void Should_swap_in_torchsharp_and_cuda_libtorch_under_torch_backend_cuda()
    {
        var (references, constants) = Evaluate("-p:TorchBackend=cuda");
        Assert.Contains("TorchSharp", references);
        Assert.Contains("libtorch-cuda-12.8-linux-x64", references);
        Assert.DoesNotContain("TorchSharp-cpu", references);
        Assert.Contains("MFT_TORCH_CUDA", constants);
    }

    [Fact]
    public void Should_refuse_an_unknown_backend_naming_the_property()
    {
        var project = Path.Combine(Repository.Root, "src", "Mft.Core", "Mft.Core.csproj");
        var r = ExternalProcess.Run("dotnet", ["msbuild", project, "-t:CheckTorchBackend", "-p:TorchBackend=rocm", "-nologo"], Repository.Root, TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("TorchBackend: 'rocm' is unknown (expected cpu or cuda)", r.Output);
    }
}
