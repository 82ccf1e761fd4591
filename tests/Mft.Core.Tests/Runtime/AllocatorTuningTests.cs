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
    public void Should_fix_the_mmap_threshold_at_start_up()
    {
        // Given / When
        TorchRuntime.EnsureInitialized();
        // Then (CI leaves MALLOC_MMAP_THRESHOLD_ and MFT_MMAP_THRESHOLD unset)
        Assert.Equal(AllocatorTuning.DefaultMmapThreshold, AllocatorTuning.AppliedThreshold);
        Assert.Contains("fixed at 2097152", AllocatorTuning.State);
    }

    [Fact]
    public void Should_map_a_large_tensor_again_after_a_larger_one_was_freed()
    {
        // Given a 24 MiB tensor allocated and freed: with glibc's dynamic threshold this raises it to about 24 MiB
        TorchRuntime.EnsureInitialized();
        empty(6 * 1024 * 1024, ScalarType.Float32).Dispose();
        long before = MappedBytes();
        // When a 16 MiB tensor is allocated
        using var t = empty(4 * 1024 * 1024, ScalarType.Float32);
        long held = MappedBytes();
        t.Dispose();
        long after = MappedBytes();
        // Then it was mapped (not carved from the heap), and unmapped on free
        Assert.True(held - before >= 16L * 1024 * 1024, $"mapped bytes {before} -> {held}: the 16 MiB tensor came from the heap");
        Assert.True(held - after >= 16L * 1024 * 1024, $"mapped bytes {held} -> {after} after free");
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
