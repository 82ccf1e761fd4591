# Sourced by the bench scripts: finds the PyTorch peer (installing Debian's PyTorch when it is missing and we are
# root), builds Mft.Bench, and sets $peer and $bench.
peer="${PEER:-../shared/peers/pytorch_bench.py}"
[ -f "$peer" ] || { echo "PyTorch reference not found at $peer (set PEER=...)" >&2; exit 2; }
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  # Debian's PyTorch, with OpenBLAS's OpenMP build (without it torch runs on the reference BLAS, ~24x slower).
  if [ "$(id -u)" = 0 ]; then apt-get install -y python3-torch libopenblas0-openmp >/dev/null; else
    echo "install the peer first: sudo apt-get install -y python3-torch libopenblas0-openmp" >&2; exit 2; fi
fi
dotnet build bench/Mft.Bench -c Release -v quiet -nologo >/dev/null
bench="dotnet bench/Mft.Bench/bin/Release/net10.0/Mft.Bench.dll"
