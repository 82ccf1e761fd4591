using System.Reflection;
using TorchSharp;
using Xunit.Sdk;

[assembly: Mft.Tests.TensorScopePerTest]

namespace Mft.Tests;

/// <summary>
/// Every synchronous test runs inside its own dispose scope, so that the tensors a test body makes in passing
/// (<c>a.sub(b).abs().max()</c>) are held until the test ends. TorchSharp frees a tensor that nothing references from
/// the garbage collector's finalizer thread; a temporary outside any scope can be freed while libtorch still reads it,
/// which crashes the test host or corrupts a result (docs/runtime.md). Async tests are left alone: a dispose scope
/// belongs to the thread that opened it, and an async test may finish on another.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TensorScopePerTestAttribute : BeforeAfterTestAttribute
{
    [ThreadStatic] private static DisposeScope? _scope;

    public override void Before(MethodInfo methodUnderTest)
    {
        if (typeof(Task).IsAssignableFrom(methodUnderTest.ReturnType)) return;
        _scope = torch.NewDisposeScope();
    }

    public override void After(MethodInfo methodUnderTest)
    {
        var scope = _scope;
        _scope = null;
        scope?.Dispose();
    }
}
