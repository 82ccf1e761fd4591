using System.Runtime.InteropServices;

namespace Mft.Runtime;

/// <summary>
/// glibc malloc settings for training loops. By default glibc serves large blocks (from 128 KiB, adapting up to
/// 32 MiB) with fresh mmap calls and returns freed heap tops to the OS, so each training step maps and faults in
/// hundreds of MB of new pages and unmaps them again. Raising the mmap threshold to its maximum (32 MiB) and the
/// trim threshold to 1 GiB keeps freed blocks in the process for the next step. Process-wide; Linux with glibc
/// only; off with MFT_MALLOC_TUNING=0. The effect is measured in docs/performance.md.
/// </summary>
public static class NativeAllocator
{
    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    public static bool Tuned { get; private set; }

    public static void Tune()
    {
        if (Tuned || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MFT_MALLOC_TUNING") == "0") return;
        try
        {
            Tuned = Mallopt(MallocMmapThreshold, 32 << 20) == 1 & Mallopt(MallocTrimThreshold, 1 << 30) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): leave the allocator as it is.
        }
    }
}
