using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Runtime;

/// <summary>
/// Resolves <see cref="Precision.Auto"/> to fp32 or bf16 from the CPU's flags, and warns when bf16 is asked for on a
/// CPU without native bf16 (where libtorch emulates it, several times slower than fp32), with the factor measured here.
/// </summary>
public static class PrecisionChoice
{
    /// <summary>The /proc/cpuinfo flags that mean native bf16 arithmetic.</summary>
    public static readonly IReadOnlyList<string> NativeFlags = ["avx512_bf16", "amx_bf16"];

    private static readonly Lazy<string?> CpuFlag = new(() => NativeFlagIn("/proc/cpuinfo"));

    /// <summary>The native bf16 flag this CPU reports (avx512_bf16 or amx_bf16), or null.</summary>
    public static string? NativeBf16Flag => CpuFlag.Value;

    /// <summary>The first of <see cref="NativeFlags"/> listed among the flags of a cpuinfo file, or null (also when the file cannot be read).</summary>
    public static string? NativeFlagIn(string cpuinfoPath)
    {
        try
        {
            if (!File.Exists(cpuinfoPath)) return null;
            var flags = File.ReadLines(cpuinfoPath)
                .Where(l => l.StartsWith("flags", StringComparison.Ordinal))
                .SelectMany(l => l[(l.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .ToHashSet(StringComparer.Ordinal);
            return NativeFlags.FirstOrDefault(flags.Contains);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// fp32 or bf16 for <paramref name="asked"/> on this CPU: auto chooses by its flags and says which through
    /// <paramref name="say"/>; an explicit bf16 without native bf16 is kept, with a warning that states how much slower a
    /// bf16 matmul is than an fp32 one here (measured once per process).
    /// </summary>
    public static Precision Resolve(Precision asked, Action<string>? say) => Resolve(asked, say, NativeBf16Flag);

    /// <summary><see cref="Resolve(Precision, Action{string}?)"/> for a CPU whose native bf16 flag is <paramref name="flag"/> (null: none).</summary>
    public static Precision Resolve(Precision asked, Action<string>? say, string? flag)
    {
        switch (asked)
        {
            case Precision.Auto:
                var chosen = flag is null ? Precision.Fp32 : Precision.Bf16;
                say?.Invoke(flag is null
                    ? "precision auto: fp32 (this CPU has no native bf16: neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo)"
                    : $"precision auto: bf16 (this CPU has {flag})");
                return chosen;
            case Precision.Bf16 when flag is null:
                say?.Invoke($"warning: precision bf16 on a CPU without native bf16 (neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo): " +
                            $"a 512x512 matmul measured {Slowdown.Value:F1}x slower in bf16 than in fp32 here; --precision fp32 or auto avoids it");
                return Precision.Bf16;
            default:
                return asked;
        }
    }

    private static readonly Lazy<double> Slowdown = new(MeasureBf16Slowdown);

    /// <summary>Time of a 512x512x512 bf16 matmul over an fp32 one, best of a few runs each after a warm-up.</summary>
    public static double MeasureBf16Slowdown()
    {
        using var scope = NewDisposeScope();
        var a = randn(512, 512);
        var b = randn(512, 512);
        double Best(Tensor x, Tensor y)
        {
            x.matmul(y).Dispose();
            double best = double.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                x.matmul(y).Dispose();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            return best;
        }
        double fp32 = Best(a, b);
        double bf16 = Best(a.to(ScalarType.BFloat16), b.to(ScalarType.BFloat16));
        return bf16 / Math.Max(fp32, 1e-9);
    }
}
