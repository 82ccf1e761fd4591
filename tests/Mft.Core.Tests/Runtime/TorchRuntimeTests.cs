using Mft.Runtime;

namespace Mft.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    /// <summary>TorchSharp's native library as the build placed it: beside the tests (built for linux-x64), else under runtimes/.</summary>
    private static string ShippedLibrary() =>
        new[] { Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"), Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so") }
            .First(File.Exists);

    [Fact]
    public void Should_find_the_unused_glibcxx_need_in_the_shipped_library()
    {
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(ShippedLibrary()));
        Assert.Contains(needs, n => n.File == "libstdc++.so.6" && n.Version == TorchRuntime.UnusedGlibcxxVersion);
        Assert.Contains(needs, n => n.Version == "GLIBC_2.2.5");
    }

    [Fact]
    public void Should_mark_only_that_need_weak()
    {
        // Given
        var image = File.ReadAllBytes(ShippedLibrary());
        var before = ElfVersionNeedPatcher.ReadVersionNeeds(image);
        // When
        int changed = ElfVersionNeedPatcher.MarkWeak(image, TorchRuntime.UnusedGlibcxxVersion);
        var after = ElfVersionNeedPatcher.ReadVersionNeeds(image);
        // Then exactly one entry changed, and it gained the weak flag (0x2)
        Assert.Equal(1, changed);
        for (int i = 0; i < before.Count; i++)
        {
            if (before[i].Version == TorchRuntime.UnusedGlibcxxVersion) Assert.Equal(before[i].Flags | 2, after[i].Flags);
            else Assert.Equal(before[i], after[i]);
        }
        Assert.Equal(0, ElfVersionNeedPatcher.MarkWeak(image, TorchRuntime.UnusedGlibcxxVersion));
    }

    [Fact]
    public void Should_run_torch_and_refuse_cuda_clearly_on_a_cpu_build()
    {
        TorchRuntime.EnsureInitialized();
        using var x = TorchSharp.torch.ones(2, 2);
        Assert.Equal(4f, x.sum().item<float>());
        var e = Assert.Throws<MftException>(() => TorchRuntime.ResolveDevice("cuda"));
        Assert.StartsWith("device cuda: this build uses TorchSharp-cpu", e.Message);   // named by its key
        Assert.StartsWith("--device cuda: this build uses TorchSharp-cpu", e.AsFlags);   // as mft prints it
        Assert.Contains("-p:TorchBackend=cuda", e.Message);   // names the build switch
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<MftException>(() => TorchRuntime.ResolveDevice("tpu"));
    }
}
