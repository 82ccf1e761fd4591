using System.Runtime.CompilerServices;

namespace Mft.Runtime;

/// <summary>
/// Loads TorchSharp's native backend (with the GLIBCXX work-around of <see cref="TorchRuntime"/>) as soon as anything
/// in Mft.Core is used, before any command, job or library call can touch <c>torch</c>. Without it, an entry point that
/// reached <c>torch</c> before loading a model (<c>mft export</c>, <c>mft merge</c>: their first tensor is a dispose
/// scope) made TorchSharp load the unpatched library, fail, and fail for the rest of the process
/// ("The type initializer for 'TorchSharp.torch' threw an exception"), while the tests, which initialize the runtime
/// themselves, passed. A failure here is kept and reported, with its cause, by the first
/// <see cref="TorchRuntime.EnsureInitialized"/> call, so that code not needing torch (help, option errors) still runs.
/// </summary>
internal static class TorchRuntimeModuleInitializer
{
#pragma warning disable CA2255 // a library's module initializer is the point: it must run before any entry point touches torch
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void LoadNativeBackend()
    {
        try { TorchRuntime.EnsureInitialized(); }
        catch (MftException) { /* kept by TorchRuntime; the first caller that needs torch reports it */ }
    }
}
