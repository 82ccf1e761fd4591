using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace Mft.Runtime;

/// <summary>
/// Loads TorchSharp's native backend, working around the one libstdc++ symbol version that
/// TorchSharp-cpu 0.107.0 declares but never calls (<c>GLIBCXX_3.4.32</c>, GCC 13). Where the
/// system's libstdc++ lacks it (Debian 12 ships up to 3.4.30), a copy of <c>libLibTorchSharp.so</c>
/// with that version-need marked weak is written to a cache folder and loaded instead. Systems whose
/// libstdc++ has the version load the original, untouched. See docs/runtime.md.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The symbol version that TorchSharp 0.107.0 needs but does not use.</summary>
    public const string UnusedGlibcxxVersion = "GLIBCXX_3.4.32";
    private const string UnusedSymbol = "_ZSt21ios_base_library_initv";

    private static readonly object Gate = new();
    private static bool _initialized;
    private static Exception? _loadFailure;

    /// <summary>Where the patched library was loaded from, or null when the original was used.</summary>
    public static string? PatchedLibraryPath { get; private set; }

    /// <summary>
    /// Prepares the native backend once per process. Safe to call many times. Mft.Core calls it as the assembly loads
    /// (<see cref="TorchRuntimeModuleInitializer"/>), so callers need not: it must run before anything touches
    /// <c>torch</c>, whose type initializer loads the native library once and for good. A program that uses TorchSharp
    /// itself before any of Mft.Core calls this first.
    /// </summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_initialized) return;
            if (_loadFailure is not null)
                throw new MftException($"TorchSharp's native backend could not be loaded: {_loadFailure.GetBaseException().Message}", _loadFailure);
            try
            {
                if (OperatingSystem.IsLinux() && !SystemHasSymbolVersion(UnusedSymbol, UnusedGlibcxxVersion))
                    InstallPatchedLibrary();
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e)
            {
                // torch's type initializer fails once and for good; keep the first cause for every later caller.
                _loadFailure = e;
                throw new MftException($"TorchSharp's native backend could not be loaded: {e.GetBaseException().Message}", e);
            }
            _initialized = true;
        }
    }

    /// <summary>
    /// Sets the number of intra-op threads (0 keeps libtorch's default). The count is process-wide, and libtorch's
    /// set_num_threads rebuilds its thread pools: calling it while another thread computes is not safe. So it is
    /// called only when the count changes, one caller at a time. Runs trained at once in one process (the demo's and
    /// the sweep's workers) all ask for the same count, so only the first call changes anything.
    /// </summary>
    public static void SetThreads(int threads)
    {
        EnsureInitialized();
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), "thread count must be >= 0");
        if (threads == 0) return;
        lock (Gate)
            if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
    }

    /// <summary>
    /// The dispose scope a job holds for its whole run. Every tensor the job makes outside a narrower scope is held
    /// until the job ends, so none is left to the garbage collector, whose finalizer could free it while libtorch
    /// still reads it (docs/runtime.md, "Tensor lifetimes").
    /// </summary>
    public static DisposeScope JobScope() => torch.NewDisposeScope();

    /// <summary>Resolves "cpu" or "cuda[:N]" to a device, failing clearly when CUDA is absent.</summary>
    public static torch.Device ResolveDevice(string name)
    {
        EnsureInitialized();
        var lower = name.Trim().ToLowerInvariant();
        if (lower == "cpu") return torch.CPU;
        if (lower == "cuda" || lower.StartsWith("cuda:", StringComparison.Ordinal))
        {
            bool available;
            try { available = torch.cuda.is_available(); }
            catch (Exception) { available = false; }
            if (!available) throw MftException.NamingOptions(CudaUnavailable(name));
            return new torch.Device(lower);
        }
        throw MftException.NamingOptions($"{{device}} {name}: expected cpu, cuda or cuda:N");
    }

    /// <summary>Why <c>--device cuda</c> fails: the build has no CUDA libtorch, or the machine has no usable GPU.</summary>
    internal static string CudaUnavailable(string name) =>
#if MFT_TORCH_CUDA
        $"{{device}} {name}: CUDA is not available (this build references CUDA libtorch, but no NVIDIA GPU or driver was found); use {{device}} cpu";
#else
        $"{{device}} {name}: this build uses TorchSharp-cpu, which has no CUDA; build with -p:TorchBackend=cuda " +
        "(TorchSharp with libtorch-cuda-12.8-linux-x64, see docs/packaging.md) and run on a machine with an NVIDIA GPU, or use {device} cpu";
#endif

    private static bool SystemHasSymbolVersion(string symbol, string version)
    {
        var handle = Dlopen("libstdc++.so.6", 2 /* RTLD_NOW */);
        if (handle == IntPtr.Zero) return false;
        try { return Dlvsym(handle, symbol, version) != IntPtr.Zero; }
        finally { Dlclose(handle); }
    }

    private static void InstallPatchedLibrary()
    {
        var torchAssembly = typeof(torch).Assembly;
        var original = FindOriginalLibrary(torchAssembly);
        if (original is null) return; // let TorchSharp report its own load error
        var image = File.ReadAllBytes(original);
        var hash = Convert.ToHexString(SHA256.HashData(image))[..16].ToLowerInvariant();
        if (ElfVersionNeedPatcher.MarkWeak(image, UnusedGlibcxxVersion) == 0) return;

        var dir = Path.Combine(CacheRoot(), "native", $"libLibTorchSharp-{hash}");
        var patched = Path.Combine(dir, "libLibTorchSharp.so");
        if (!File.Exists(patched))
        {
            Directory.CreateDirectory(dir);
            var tmp = patched + $".{Environment.ProcessId}.tmp";
            File.WriteAllBytes(tmp, image);
            File.Move(tmp, patched, overwrite: true);
        }

        // The copy lives away from its siblings, so load the libraries it needs from the original folder first;
        // the loader then finds them by soname.
        var originalDir = Path.GetDirectoryName(original)!;
        foreach (var dep in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            var p = Path.Combine(originalDir, dep);
            if (File.Exists(p)) NativeLibrary.TryLoad(p, out _);
        }
        var handle = NativeLibrary.Load(patched);
        PatchedLibraryPath = patched;
        NativeLibrary.SetDllImportResolver(torchAssembly, (name, _, _) =>
            name is "LibTorchSharp" or "libLibTorchSharp" or "libLibTorchSharp.so" ? handle : IntPtr.Zero);
    }

    private static string? FindOriginalLibrary(Assembly torchAssembly)
    {
        var candidates = new List<string>();
        foreach (var baseDir in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(torchAssembly.Location) ?? "" })
        {
            candidates.Add(Path.Combine(baseDir, "libLibTorchSharp.so"));
            candidates.Add(Path.Combine(baseDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));
            // From the NuGet cache: .../torchsharp/0.107.0/lib/net8.0/TorchSharp.dll
            candidates.Add(Path.Combine(baseDir, "..", "..", "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));
        }
        return candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);
    }

    private static string CacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        if (string.IsNullOrEmpty(root) || root == ".cache") root = Path.Combine(Path.GetTempPath(), "mft-cache");
        return Path.Combine(root, "mft");
    }

    [DllImport("libc", EntryPoint = "dlopen")] private static extern IntPtr Dlopen(string file, int mode);
    [DllImport("libc", EntryPoint = "dlvsym")] private static extern IntPtr Dlvsym(IntPtr handle, string symbol, string version);
    [DllImport("libc", EntryPoint = "dlclose")] private static extern int Dlclose(IntPtr handle);
}
