using System.Runtime.CompilerServices;

namespace Mft.Tests;

/// <summary>
/// With <c>MFT_TEST_GC_STRESS=1</c> a background thread runs the garbage collector and its finalizers without pause
/// while the tests run, so a tensor left to a finalizer is freed as early as it can be: a temporary made outside a
/// dispose scope then crashes the test host within minutes instead of once in many runs (docs/runtime.md). Off by
/// default; the run takes about three times as long.
/// </summary>
internal static class GcStress
{
    public const string Variable = "MFT_TEST_GC_STRESS";

    [ModuleInitializer]
    internal static void StartWhenAsked()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") return;
        new Thread(() =>
        {
            while (true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "gc-stress" }.Start();
    }
}
