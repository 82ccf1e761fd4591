#!/usr/bin/env bash
# Training throughput of Mft and the PyTorch reference (../shared/peers/pytorch_bench.py), one after the other in
# one run, fp32 and bf16 (Mft --precision bf16 against the peer's --bf16, torch.autocast), on bench-small and
# bench-medium; writes bench/results/<date>.md (<date>-2.md, ... for a later run that day) and the raw JSON beside it.
# Usage: bash bench/side-by-side.sh [steps] [presets] [modes]
#   (all presets and modes: ~25 minutes on 2 cores; e.g. `bash bench/side-by-side.sh 10 bench-medium ft,mft,mft-exact`)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-10}"
presets="${2:-bench-small bench-medium}"
modes="${3:-ft,mft,mft-exact,mft-cached,fwd}"
source bench/common.sh
out="$(results_dir "$(date -u +%Y-%m-%d)")"
mkdir -p "$out"
peer_modes="$(echo "$modes" | tr ',' '\n' | grep -xE 'ft|mft|fwd' | paste -sd, -)"
bf16_modes="$(echo "$modes" | tr ',' '\n' | sed 's/$/+bf16/' | paste -sd, -)"
reports=()
for preset in $presets; do
  /usr/bin/python3 "$peer" --preset "$preset" --steps "$steps" --modes "$peer_modes" --json "$out/pytorch-$preset.json"
  /usr/bin/python3 "$peer" --preset "$preset" --steps "$steps" --modes "$peer_modes" --bf16 --no-matmul --json "$out/pytorch-$preset-bf16.json"
  # one peer file per preset for the report: the --bf16 run's modes as "modes_bf16"
  /usr/bin/python3 - "$out/pytorch-$preset.json" "$out/pytorch-$preset-bf16.json" <<'PY'
import json, sys
fp32, bf16 = (json.load(open(p)) for p in sys.argv[1:3])
fp32["modes_bf16"] = bf16["modes"]
json.dump(fp32, open(sys.argv[1], "w"), indent=1)
PY
  $bench "$preset" --steps "$steps" --modes "$modes,$bf16_modes" --json "$out/mft-$preset.json"
  reports+=("$out/pytorch-$preset.json" "$out/mft-$preset.json")
done
$bench report --out "$out.md" "${reports[@]}"
