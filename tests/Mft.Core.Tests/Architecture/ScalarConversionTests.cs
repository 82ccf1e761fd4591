using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Tests.Architecture;

/// <summary>
/// No Scalar the library passes to torch is left to a finalizer (docs/runtime.md, "Scalars"). A number converted
/// implicitly to a <see cref="Scalar"/> (<c>x.mul(0.5)</c>, <c>1.0 - p</c>) is unreachable once its handle is in the
/// native call, so a collection during the call can free it while libtorch reads it. Read from the compiled IL, so the
/// check is deterministic: it fails on any call in Mft.Core to <c>Scalar.op_Implicit</c>, and on any call to a TorchSharp
/// method that makes one itself, directly or through other TorchSharp methods (TorchSharp 0.107's <c>a + b</c> adds
/// with an implicit alpha of 1, <c>arange(start, stop)</c> with an implicit step of 1, <c>square()</c> with an implicit 2).
/// Calls through virtual methods TorchSharp overrides (a module's <c>forward</c>) are not followed.
/// </summary>
public sealed class ScalarConversionTests
{
    private static readonly Assembly Core = typeof(Mft.MftException).Assembly;
    private static readonly Assembly Torch = typeof(Scalar).Assembly;

    [Fact]
    public void Should_hold_every_scalar_the_library_passes_to_torch()
    {
        // Given the TorchSharp methods that convert a number to a Scalar themselves
        var converting = ConvertingTorchMethods();
        Assert.Contains(converting, m => m.Name == "op_Addition" && m.GetParameters().All(p => p.ParameterType == typeof(Tensor)));   // the reader sees them
        // When Mft.Core's method bodies are read
        var sites = ConversionSites(Core, converting);
        // Then none converts, itself or through TorchSharp
        var perNamespace = sites.GroupBy(s => s.Namespace).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
        Assert.True(sites.Count == 0, $"{sites.Count} implicit Scalar conversions ({string.Join(", ", perNamespace)}):\n" +
                                      string.Join("\n", sites.Select(s => $"  {s.Method} -> {s.Callee}")));
    }

    [Fact]
    public void Should_find_a_conversion_when_there_is_one()
    {
        // Given this class's own examples: one implicit conversion, one TorchSharp operator that makes one, one held Scalar
        var sites = ConversionSites(typeof(ScalarConversionTests).Assembly, ConvertingTorchMethods())
            .Where(s => s.Method.StartsWith(nameof(ScalarConversionTests), StringComparison.Ordinal)).Select(s => s.Method).ToList();
        // Then the first two are found and the third is not
        Assert.Contains($"{nameof(ScalarConversionTests)}.{nameof(ImplicitConversion)}", sites);
        Assert.Contains($"{nameof(ScalarConversionTests)}.{nameof(ConversionInsideTorchSharp)}", sites);
        Assert.DoesNotContain($"{nameof(ScalarConversionTests)}.{nameof(HeldScalar)}", sites);
    }

    private static Tensor ImplicitConversion(Tensor t) => t.mul(0.5);
    private static Tensor ConversionInsideTorchSharp(Tensor a, Tensor b) => a + b;
    private static Tensor HeldScalar(Tensor t, Scalar half) => t.mul(half);

    private sealed record Site(string Namespace, string Method, string Callee);

    /// <summary>Each call in <paramref name="assembly"/> to Scalar.op_Implicit or to a converting TorchSharp method.</summary>
    private static List<Site> ConversionSites(Assembly assembly, HashSet<MethodBase> converting)
    {
        var sites = new List<Site>();
        foreach (var type in assembly.GetTypes())
        {
            var outer = type;
            while (outer.DeclaringType is not null) outer = outer.DeclaringType;   // closures belong to their outer type
            foreach (var method in MethodBodyReader.MethodsOf(type))
                foreach (var callee in MethodBodyReader.MembersIn(method).OfType<MethodBase>())
                    if (IsImplicitConversion(callee) || converting.Contains(callee))
                        sites.Add(new Site(outer.Namespace ?? "", $"{type.Name}.{method.Name}", Describe(callee)));
        }
        return sites;
    }

    /// <summary>TorchSharp's methods that call Scalar.op_Implicit, and those that call them, to any depth.</summary>
    private static HashSet<MethodBase> ConvertingTorchMethods()
    {
        var callers = new Dictionary<MethodBase, List<MethodBase>>();
        var converting = new HashSet<MethodBase>();
        foreach (var type in Torch.GetTypes())
            foreach (var method in MethodBodyReader.MethodsOf(type))
                foreach (var callee in MethodBodyReader.MembersIn(method).OfType<MethodBase>())
                {
                    if (IsImplicitConversion(callee)) converting.Add(method);
                    else if (callee.Module == Torch.ManifestModule)
                        (callers.TryGetValue(callee, out var list) ? list : callers[callee] = []).Add(method);
                }
        var pending = new Queue<MethodBase>(converting);
        while (pending.TryDequeue(out var method))
            foreach (var caller in callers.GetValueOrDefault(method, []))
                if (converting.Add(caller)) pending.Enqueue(caller);
        return converting;
    }

    private static bool IsImplicitConversion(MethodBase m) => m.Name == "op_Implicit" && m.DeclaringType == typeof(Scalar);

    private static string Describe(MethodBase m) =>
        $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";
}
