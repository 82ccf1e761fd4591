#!/usr/bin/env bash
# bf16 against fp32 at the shape of Qwen2.5-0.5B (bench-0.5b), side by side with the PyTorch reference in one run:
# the peer's ft and mft in fp32 and under --bf16 (torch.autocast), then Mft's ft, mft with the exact teacher cache and
# MFT+LoRA with the exact cache (LoRA r 16), each in fp32 and with --precision bf16 (bf16: the frozen base in bf16),
# each mode in its own process (peak RSS = its own). docs/performance.md, "Mixed precision (bf16)".
# Usage: bash bench/bf16-0.5b.sh [steps]      (~30 minutes on 2 cores; needs about 16 GB free)
# Writes bench/results/<date>-bf16-0.5b/ and its .md.
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-3}"
source bench/common.sh
out="$(results_dir "$(date -u +%Y-%m-%d)-bf16-0.5b")"
mkdir -p "$out"
/usr/bin/python3 "$peer" --preset bench-0.5b --warmup 1 --steps "$steps" --modes ft,mft --json "$out/pytorch-bench-0.5b.json"
/usr/bin/python3 "$peer" --preset bench-0.5b --warmup 1 --steps "$steps" --modes ft,mft --bf16 --no-matmul --json "$out/pytorch-bench-0.5b-bf16.json"
/usr/bin/python3 - "$out/pytorch-bench-0.5b.json" "$out/pytorch-bench-0.5b-bf16.json" <<'PY'
import json, sys
fp32, bf16 = (json.load(open(p)) for p in sys.argv[1:3])
fp32["modes_bf16"] = bf16["modes"]
json.dump(fp32, open(sys.argv[1], "w"), indent=1)
PY
$bench bench-0.5b --steps "$steps" --modes ft,mft-exact,mft-lora-exact,ft+bf16,mft-exact+bf16,mft-lora-exact+bf16 --json "$out/mft-bench-0.5b.json"
$bench report --out "$out.md" "$out"/pytorch-bench-0.5b.json "$out"/mft-bench-0.5b.json
