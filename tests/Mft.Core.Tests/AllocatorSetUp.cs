using System.Runtime.CompilerServices;
using Mft.Runtime;

namespace Mft.Tests;

/// <summary>
/// The tests run with the allocator settings of a large model (docs/memory.md), applied when this assembly loads,
/// before libtorch's first allocation, so that the tests of those settings see them whatever test runs first.
/// </summary>
internal static class AllocatorSetUp
{
    [ModuleInitializer]
    internal static void ApplyLargeModelSettings() => AllocatorTuning.ApplyFor(AllocatorTuning.LargeModelParameters);
}
