#!/usr/bin/env bash
# At the shape of Qwen2.5-0.5B (bench-0.5b): full finetuning, MFT with the exact teacher cache, LoRA r 16 and MFT+LoRA,
# each with and without activation checkpointing (+gc), side by side with the PyTorch reference's ft and mft in one
# run (docs/performance.md). Each mode runs in its own process, so its peak RSS is its own.
# Usage: bash bench/adapters-checkpointing-0.5b.sh [steps] [label]   (~30 minutes on 2 cores; needs about 16 GB free)
# Writes bench/results/<date>-0.5b[-label]/ and its .md.
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-3}"
label="${2:+-$2}"
source bench/common.sh
out="$(results_dir "$(date -u +%Y-%m-%d)-0.5b$label")"
mkdir -p "$out"
/usr/bin/python3 "$peer" --preset bench-0.5b --warmup 1 --steps "$steps" --modes ft,mft --json "$out/pytorch-bench-0.5b.json"
$bench bench-0.5b --steps "$steps" --modes ft,ft+gc,mft,mft-exact,mft-exact+gc,lora,mft-lora,mft-lora-exact,mft-lora-exact+gc --json "$out/mft-bench-0.5b.json"
$bench report --out "$out.md" "$out"/pytorch-bench-0.5b.json "$out"/mft-bench-0.5b.json
