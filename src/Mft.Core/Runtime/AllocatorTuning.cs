using System.Globalization;
using System.Runtime.InteropServices;

namespace Mft.Runtime;

/// <summary>
/// How CPU tensor memory comes from the operating system: large tensors are mapped fresh, backed by huge pages,
/// and returned when freed, so resident memory stays flat at a real model's size (issue 17; docs/memory.md).
/// <para>
/// <b>The cause.</b> libtorch allocates CPU tensors with glibc's <c>posix_memalign</c>. glibc serves blocks at or
/// above its mmap threshold with a private mapping that free() unmaps; smaller blocks come from the heap. The
/// threshold starts at 128 KiB and rises to the size of every mapped block that is freed, up to 32 MiB. At the shape
/// of Qwen2.5-0.5B (17 MiB MLP weights and gradients, 10-15 MiB activations) it reaches 32 MiB within the first step;
/// from then on the 4-32 MiB temporaries of every forward and backward land on the heap, and the freed space is not
/// reused well: resident memory grew by about 2.2 GB a step, with the live tensor count constant.
/// </para>
/// <para>
/// <b>The fix, part 1</b>: <c>mallopt(M_MMAP_THRESHOLD, 1 MiB)</c> fixes the threshold (glibc then stops moving it),
/// so every block of 1 MiB or more is mapped and unmapped: what the process holds is what its tensors hold.
/// <b>Part 2</b>: fresh mappings cost a page fault per 4 KiB page touched (2 million faults a step at 0.5B, which made
/// a step about 15% slower), so libtorch's own switch <c>THP_MEM_ALLOC_ENABLE=1</c> is set, which makes it
/// <c>madvise(MADV_HUGEPAGE)</c> every tensor of 2 MiB or more: one fault per 2 MiB. The threshold is at most 2 MiB,
/// so that every tensor given huge-page advice is a mapping of its own: advice on 2-4 MiB blocks inside the heap (a
/// 4 MiB threshold) made resident memory creep by 70 MB a step at 0.5B. It is 1 MiB rather than 2 because the
/// (tokens, hidden) activations of a small-hidden model at batch 1 x 512 are just under 2 MiB (1.75 MiB at 0.5B):
/// on the heap, their high-water mark stayed resident after backward freed them (1.5 GB at 0.5B) while the gradients
/// were mapped fresh beside it; mapped, they go back. Peak RSS at 0.5B: 9.5 GB with 2 MiB, 8.4 GB with 1 MiB.
/// The switch is read by libtorch once, at its first allocation, from the C environment, so it is set with the C
/// library's <c>setenv</c> before libtorch starts; only where the kernel offers transparent huge pages.
/// </para>
/// <para>
/// Applied by <see cref="Models.ModelFactory"/> before it allocates a model of at least
/// <see cref="LargeModelParameters"/> (about 12·L·H² + V·H): on small models (the embedded one, bench-small and
/// bench-medium) glibc's default is kept, because there the fixed threshold made steps 40-80% slower (their
/// activations are exactly 2 MiB, too small for a huge page, so each is faulted in 4 KiB pages every step) and
/// the growth does not occur. A user's own <c>MALLOC_MMAP_THRESHOLD_</c> or <c>THP_MEM_ALLOC_ENABLE</c> wins;
/// <c>MFT_MMAP_THRESHOLD=0</c> leaves glibc's dynamic threshold whatever the size (for measuring), another value
/// sets it in bytes whatever the size.
/// </para>
/// </summary>
public static class AllocatorTuning
{
    /// <summary>
    /// The fixed threshold: tensors of 1 MiB or more are mapped, and returned to the system when freed. It is below the
    /// size from which libtorch advises huge pages (2 MiB), so that advice never lands on the heap.
    /// </summary>
    public const int DefaultMmapThreshold = 1024 * 1024;

    /// <summary>The environment variable that overrides <see cref="DefaultMmapThreshold"/> (bytes; 0 = glibc's dynamic default).</summary>
    public const string OverrideVariable = "MFT_MMAP_THRESHOLD";

    /// <summary>libtorch's switch for huge-page advice on tensors of 2 MiB or more (c10's CPU allocator).</summary>
    public const string LibtorchHugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>Models from this size on (estimated parameters) get the fixed threshold and huge pages.</summary>
    public const long LargeModelParameters = 100_000_000;

    private const int MMmapThreshold = -3;   // M_MMAP_THRESHOLD in glibc's malloc.h
    private const string ThpModeFile = "/sys/kernel/mm/transparent_hugepage/enabled";

    /// <summary>The mmap threshold this process set, or null where it left the allocator's own.</summary>
    public static int? AppliedThreshold { get; private set; }

    /// <summary>Whether libtorch was told to advise huge pages for large tensors.</summary>
    public static bool HugePagesRequested { get; private set; }

    /// <summary>What was done, for logs and benchmark records.</summary>
    public static string State { get; private set; } = "not applied";

    private static readonly object Gate = new();
    private static bool _applied;

    /// <summary>
    /// Called before a model of about <paramref name="estimatedParameters"/> is allocated: sets both for a large model
    /// (once per process), keeps glibc's default for a small one; a no-op off Linux/glibc.
    /// </summary>
    public static void ApplyFor(long estimatedParameters)
    {
        lock (Gate)
        {
            if (_applied) return;
            if (!OperatingSystem.IsLinux() || !IsGlibc())
            {
                State = "not glibc: allocator left as it is";
                return;
            }
            bool forced = Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 };
            if (!forced && !IsLarge(estimatedParameters))
            {
                State = $"glibc's default kept for a model of about {estimatedParameters:N0} parameters (the fix is for {LargeModelParameters:N0} and more)";
                return;
            }
            State = $"{ApplyThreshold()}; {ApplyHugePages()}";
            _applied = true;
        }
    }

    /// <summary>Whether a model of this many parameters gets the fixed threshold and huge pages.</summary>
    public static bool IsLarge(long estimatedParameters) => estimatedParameters >= LargeModelParameters;

    private static string ApplyThreshold()
    {
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is { Length: > 0 } own)
            return $"MALLOC_MMAP_THRESHOLD_={own} set by the user";
        int threshold = DefaultMmapThreshold;
        if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out threshold))
                throw new MftException($"environment variable {OverrideVariable}='{text}': expected a whole number of bytes (0 keeps glibc's dynamic threshold)");
            if (threshold == 0) return $"{OverrideVariable}=0: glibc's dynamic mmap threshold";
        }
        if (Mallopt(MMmapThreshold, threshold) != 1) return $"mallopt(M_MMAP_THRESHOLD, {threshold}) refused by glibc";
        AppliedThreshold = threshold;
        return $"glibc mmap threshold fixed at {threshold} bytes";
    }

    private static string ApplyHugePages()
    {
        if (AppliedThreshold is null && Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not { Length: > 0 })
            return "no huge-page advice without a fixed threshold";
        if (Environment.GetEnvironmentVariable(LibtorchHugePagesVariable) is { Length: > 0 } own)
            return $"{LibtorchHugePagesVariable}={own} set by the user";
        var mode = KernelHugePageMode();
        if (mode is null or "never") return $"no transparent huge pages ({mode ?? "not offered by the kernel"})";
        if (Setenv(LibtorchHugePagesVariable, "1", 0) != 0) return "setenv failed: no huge-page advice";
        HugePagesRequested = true;
        return $"huge pages advised for tensors of 2 MiB or more (kernel mode {mode})";
    }

    /// <summary>The selected transparent-huge-page mode ("always", "madvise", "never"), or null where the kernel has none.</summary>
    public static string? KernelHugePageMode()
    {
        if (!File.Exists(ThpModeFile)) return null;
        var text = File.ReadAllText(ThpModeFile);
        int open = text.IndexOf('['), close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    private static bool IsGlibc()
    {
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc)) return false;
        return NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _) && NativeLibrary.TryGetExport(libc, "mallopt", out _);
    }

    [DllImport("libc", EntryPoint = "mallopt")] private static extern int Mallopt(int param, int value);
    [DllImport("libc", EntryPoint = "setenv")] private static extern int Setenv(string name, string value, int overwrite);
}
