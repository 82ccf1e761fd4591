#!/usr/bin/env bash
# Training throughput of Mft and the PyTorch reference (../shared/peers/pytorch_bench.py), one after the other in
# one run, on bench-small and bench-medium; writes bench/results/<date>.md and the raw JSON beside it.
# Usage: bash bench/side-by-side.sh [steps]     (takes ~10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-10}"
source bench/common.sh
day="$(date -u +%Y-%m-%d)"
out="bench/results/$day"
mkdir -p "$out"
for preset in bench-small bench-medium; do
  /usr/bin/python3 "$peer" --preset "$preset" --steps "$steps" --modes ft,mft,fwd --json "$out/pytorch-$preset.json"
  $bench "$preset" --steps "$steps" --modes ft,mft,mft-exact,mft-cached,fwd --json "$out/mft-$preset.json"
done
$bench report --out "bench/results/$day.md" "$out"/pytorch-bench-small.json "$out"/mft-bench-small.json \
  "$out"/pytorch-bench-medium.json "$out"/mft-bench-medium.json
