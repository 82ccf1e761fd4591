using System.Reflection;
using TorchSharp;

namespace Mft.Runtime;

/// <summary>
/// The versions of Mft and of the Torch stack it runs on, as <c>mft --version</c> prints them. The libtorch version is
/// TorchSharp's <c>torch.__version__</c>: the version of the libtorch package that TorchSharp was built for and loads
/// (as TorchSharp reports it; Mft does not query the native library). Reading it loads the native backend, through
/// <see cref="TorchRuntime"/>, so a printed version also means libtorch loads.
/// </summary>
public static class VersionInfo
{
    /// <summary>Mft.Core's version (the package version, with the source commit when the build knew it).</summary>
    public static string Mft => InformationalVersion(typeof(VersionInfo).Assembly);

    /// <summary>The TorchSharp assembly's version.</summary>
    public static string TorchSharp => InformationalVersion(typeof(torch).Assembly);

    /// <summary>The libtorch version TorchSharp binds (for TorchSharp 0.107.0: 2.10.0).</summary>
    public static string LibTorch
    {
        get
        {
            TorchRuntime.EnsureInitialized();
            return torch.__version__;
        }
    }

    /// <summary>The Torch backend this build references: "cpu" (TorchSharp-cpu) or "cuda" (built with -p:TorchBackend=cuda).</summary>
    public static string Backend =>
#if MFT_TORCH_CUDA
        "cuda";
#else
        "cpu";
#endif

    /// <summary>One line per component: Mft, TorchSharp (with the backend), libtorch.</summary>
    public static string Describe() =>
        $"Mft {Mft}{Environment.NewLine}TorchSharp {TorchSharp} ({Backend} backend){Environment.NewLine}libtorch {LibTorch}";

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
