# Sourced by the bench scripts: finds the PyTorch peer (installing Debian's PyTorch when it is missing and we are
# root), builds Mft.Bench, and sets $peer and $bench.
peer="${PEER:-../shared/peers/pytorch_bench.py}"
[ -f "$peer" ] || { echo "PyTorch reference not found at $peer (set PEER=...)" >&2; exit 2; }
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  # Debian's PyTorch, with OpenBLAS's OpenMP build (without it torch runs on the reference BLAS, ~24x slower).
  if [ "$(id -u)" = 0 ]; then apt-get install -y python3-torch libopenblas0-openmp >/dev/null; else
    echo "install the peer first: sudo apt-get install -y python3-torch libopenblas0-openmp" >&2; exit 2; fi
fi
# OpenBLAS picks its kernels from the CPU's model; on a VM that reports a generic "Intel Xeon Processor" it falls back
# to its oldest (Prescott) and PyTorch fp32 runs 5x below its matmul rate (48 against 264 GFLOP/s at 1024^3 here,
# 2026-12-06). Name the kernel the CPU's flags allow, unless the caller chose one: the fp32 peer must be a fair one.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx512f /proc/cpuinfo \
   && OPENBLAS_VERBOSE=2 /usr/bin/python3 -c "import torch" 2>&1 | grep -q "Core: Prescott"; then
  export OPENBLAS_CORETYPE=SKYLAKEX
  echo "OpenBLAS detected this CPU as Prescott; the peer runs with OPENBLAS_CORETYPE=SKYLAKEX (avx512f)" >&2
fi
dotnet build bench/Mft.Bench -c Release -v quiet -nologo >/dev/null
bench="dotnet bench/Mft.Bench/bin/Release/net10.0/Mft.Bench.dll"
# results_dir NAME: bench/results/NAME, or NAME-2, NAME-3, ... when an earlier run of the day has it (results are
# never overwritten).
results_dir() {
  local d="bench/results/$1" i=2
  while [ -e "$d" ] || [ -e "$d.md" ]; do d="bench/results/$1-$i"; i=$((i + 1)); done
  echo "$d"
}
