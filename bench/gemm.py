#!/usr/bin/env python3
"""The matrix products of a training step in the PyTorch peer (Debian's PyTorch), beside `Mft.Bench gemm`: for each
M x K x N, the forward linear (x W^T), the input's gradient (g W) and the weight's gradient (g^T x), fp32 or bf16.
Usage: OPENBLAS_CORETYPE=SKYLAKEX python3 bench/gemm.py [--dtype bf16|fp32] [--shapes 512x896x1152,...] [--threads 2]
"""
import argparse, statistics, time, torch

p = argparse.ArgumentParser()
p.add_argument("--dtype", default="bf16")
p.add_argument("--shapes", default="512x896x1152,512x896x896,512x896x9728,512x4864x896,110x896x151936")
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
dtype = torch.float32 if a.dtype == "fp32" else torch.bfloat16
print(f"PyTorch {torch.__version__} {dtype} products, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC")
for shape in a.shapes.split(","):
    m, k, n = map(int, shape.split("x"))
    x, w, g = torch.randn(m, k).to(dtype), torch.randn(n, k).to(dtype), torch.randn(m, n).to(dtype)
    def rate(f):
        s = []
        for i in range(7):
            t = time.perf_counter(); f(); d = time.perf_counter() - t
            if i >= 2: s.append(d)
        return 2.0 * m * k * n / statistics.median(s) / 1e9
    print(f"{shape:<16} forward {rate(lambda: torch.nn.functional.linear(x, w)):5.0f}  input grad {rate(lambda: g.mm(w)):5.0f}  weight grad {rate(lambda: g.t().mm(x)):5.0f} GFLOP/s")
