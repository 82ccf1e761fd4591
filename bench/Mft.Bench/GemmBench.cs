using System.Globalization;
using static TorchSharp.torch;

namespace Mft.Bench;

/// <summary>
/// The matrix products of a training step at given shapes, in fp32 or bf16, as libtorch (through TorchSharp) runs them:
/// for each M x K x N, the forward linear (x W^T: M x K by N x K), the input's gradient (g W: M x N by N x K) and the
/// weight's gradient (g^T x: N x M by M x K). bench/gemm.py measures the same products in the PyTorch peer.
///   Mft.Bench gemm [--dtype bf16|fp32] [--shapes 512x896x1152,512x896x896,512x896x9728,512x4864x896,110x896x151936] [--threads 2]
/// Prints GFLOP/s (median of 5 after 2 warm-ups) per shape and product.
/// </summary>
public static class GemmBench
{
    public const string DefaultShapes = "512x896x1152,512x896x896,512x896x9728,512x4864x896,110x896x151936";

    public static int Run(string[] args)
    {
        var dtype = (BenchArgs.Option(args, "--dtype") ?? "bf16") == "fp32" ? ScalarType.Float32 : ScalarType.BFloat16;
        Mft.Runtime.TorchRuntime.SetThreads(int.Parse(BenchArgs.Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture));
        Console.WriteLine($"libtorch {dtype} products, {BenchCommand.CpuModel()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        foreach (var shape in (BenchArgs.Option(args, "--shapes") ?? DefaultShapes).Split(','))
        {
            var mkn = shape.Split('x').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            long m = mkn[0], k = mkn[1], n = mkn[2];
            using var scope = NewDisposeScope();
            var x = randn(m, k).to(dtype);
            var w = randn(n, k).to(dtype);
            var g = randn(m, n).to(dtype);
            double flops = 2.0 * m * k * n;
            string Rate(Func<Tensor> product) =>
                (flops / BenchTiming.MedianSeconds(() => product(), warmups: 2, timed: 5) / 1e9).ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine($"{shape,-16} forward {Rate(() => nn.functional.linear(x, w)),5}  input grad {Rate(() => g.mm(w)),5}  weight grad {Rate(() => g.t().mm(x)),5} GFLOP/s");
        }
        return 0;
    }
}
