#!/usr/bin/env bash
# Resident memory over training steps at the shape of Qwen2.5-0.5B (bench-0.5b), Mft against the PyTorch reference
# (../shared/peers/pytorch_bench.py) in one run, and what glibc's mmap-threshold fix costs in speed (docs/memory.md).
# Usage: bash bench/memory-0.5b.sh [steps]       (~35 minutes on 2 cores; needs about 16 GB free)
# Writes bench/results/<date>-memory/*.json and prints each mode's RSS per step, peak RSS and step time.
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-17}"   # timed steps after the 3 warm-up steps: steps 1..20 in all by default
source bench/common.sh
out="$(results_dir "$(date -u +%Y-%m-%d)-memory")"
mkdir -p "$out"
# 1. The 0.5B shape: PyTorch, then Mft with the fix (ft and mft, 3 + $steps steps each).
/usr/bin/python3 "$peer" --preset bench-0.5b --warmup 1 --steps 3 --modes ft,mft --json "$out/pytorch-bench-0.5b.json"
$bench bench-0.5b --steps "$steps" --modes ft,mft --json "$out/mft-bench-0.5b.json"
# 2. Without the fix (glibc's dynamic threshold, no huge pages), ft only and 3 + 3 steps: it grows ~2 GB a step, mft would run out.
MFT_MMAP_THRESHOLD=0 THP_MEM_ALLOC_ENABLE=0 $bench bench-0.5b --steps 3 --modes ft --json "$out/mft-bench-0.5b-glibc-default.json"
# 3. Why the small shapes keep glibc's default: the fix forced on them (MFT_MMAP_THRESHOLD), then their default.
for preset in bench-small bench-medium; do
  MFT_MMAP_THRESHOLD=2097152 $bench "$preset" --steps 10 --modes ft,mft --json "$out/mft-$preset.json"
  MFT_MMAP_THRESHOLD=0 THP_MEM_ALLOC_ENABLE=0 $bench "$preset" --steps 10 --modes ft,mft --json "$out/mft-$preset-glibc-default.json"
done
