using System.Runtime.InteropServices;
using Mft.Runtime;
using static TorchSharp.torch;

namespace Mft.Tests.Runtime;

/// <summary>
/// The allocator settings of issue 17, checked through the system's own accounting, not through Mft's state:
/// glibc's <c>mallinfo2</c> (a freed large tensor must not raise the mmap threshold, so the next large tensor is
/// mapped again and goes back to the system when freed) and the kernel's <c>AnonHugePages</c> (large tensors are
/// backed by huge pages).
/// </summary>
[Collection("memory")]
public sealed class AllocatorTuningTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")] private static extern MallInfo2 Mallinfo2();

    /// <summary>Bytes glibc holds in mapped blocks right now.</summary>
    private static long MappedBytes() => (long)Mallinfo2().Hblkhd;

    /// <summary>Anonymous memory of this process backed by transparent huge pages, in bytes.</summary>
    private static long AnonHugePageBytes() => File.ReadLines("/proc/self/smaps_rollup")
        .Where(l => l.StartsWith("AnonHugePages:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).Single();

    [Fact]
    public void Should_fix_the_mmap_threshold_for_a_large_model()
    {
        // Given / When (AllocatorSetUp applied the large-model settings when the tests loaded)
        AllocatorTuning.ApplyFor(AllocatorTuning.LargeModelParameters);
        // Then (CI leaves MALLOC_MMAP_THRESHOLD_ and MFT_MMAP_THRESHOLD unset)
        Assert.Equal(AllocatorTuning.DefaultMmapThreshold, AllocatorTuning.AppliedThreshold);
        Assert.Contains($"fixed at {1024 * 1024}", AllocatorTuning.State);
    }

    [Fact]
    public void Should_count_the_05b_shape_as_large_and_the_embedded_and_bench_models_as_small()
    {
        // Given the configs' shapes; the reference counts are the ones the models print (494M, 29.5M, 6.45M, 5.4M)
        var q05 = TinyModels.Config(TinyModels.LlamaJson(vocab: 151_936, hidden: 896, layers: 24, heads: 14, kvHeads: 2));
        var medium = TinyModels.Config(TinyModels.LlamaJson(vocab: 8192, hidden: 512, layers: 8));
        var small = TinyModels.Config(TinyModels.LlamaJson(vocab: 8192, hidden: 256, layers: 6));
        var embedded = TinyModels.Config(TinyModels.LlamaJson(vocab: 4096, hidden: 256, layers: 6));   // models/base/config.json
        // Then
        Assert.True(AllocatorTuning.IsLarge(q05.EstimatedParameters), $"{q05.EstimatedParameters}");
        Assert.False(AllocatorTuning.IsLarge(medium.EstimatedParameters), $"{medium.EstimatedParameters}");
        Assert.False(AllocatorTuning.IsLarge(small.EstimatedParameters));
        Assert.False(AllocatorTuning.IsLarge(embedded.EstimatedParameters));
    }

    [Fact]
    public void Should_map_a_large_tensor_again_after_a_larger_one_was_freed()
    {
        // Given a tensor larger than all the free memory glibc's arenas hold (other tests' small blocks, freed, can
        // coalesce into free heap chunks that serve any size before mmap is considered), and a larger one allocated and
        // freed first: with glibc's dynamic threshold that raises the threshold past the next one
        TorchRuntime.EnsureInitialized();
        long bytes = Math.Max(16L << 20, (long)Mallinfo2().Fordblks + (4L << 20));
        empty((bytes + (8L << 20)) / 4, ScalarType.Float32).Dispose();
        long before = MappedBytes();
        // When the tensor is allocated
        using var t = empty(bytes / 4, ScalarType.Float32);
        long held = MappedBytes();
        t.Dispose();
        long after = MappedBytes();
        // Then it was mapped (not carved from the heap), and unmapped on free
        Assert.True(held - before >= bytes - 4096, $"mapped bytes {before} -> {held}: the {bytes >> 20} MiB tensor came from the heap");
        Assert.True(held - after >= bytes - 4096, $"mapped bytes {held} -> {after} after free");
    }

    [Fact]
    public void Should_back_a_large_tensor_with_huge_pages_where_the_kernel_offers_them()
    {
        // Given
        TorchRuntime.EnsureInitialized();
        var mode = AllocatorTuning.KernelHugePageMode();
        if (mode is null or "never") return;   // nothing to advise on such a kernel (this machine and CI: "madvise")
        long before = AnonHugePageBytes();
        // When a 64 MiB tensor is written
        using var t = ones(16 * 1024 * 1024, ScalarType.Float32);
        long held = AnonHugePageBytes();
        // Then at least half of it sits on huge pages
        Assert.True(held - before >= 32L * 1024 * 1024, $"AnonHugePages {before / 1024} kB -> {held / 1024} kB with a 64 MiB tensor held (kernel mode {mode})");
        Assert.True(AllocatorTuning.HugePagesRequested, AllocatorTuning.State);
    }
}
