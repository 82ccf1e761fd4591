#!/usr/bin/env bash
# The PyTorch peer and Mft alternated, round after round in one sitting, for ratios that a noisy VM cannot fake: one
# side-by-side run compares two processes minutes apart, and this VM's speed drifts by 10-30% over minutes. Each round
# runs the peer's ft and mft under --bf16 (torch.autocast, one process), then Mft's ft and mft with the exact teacher
# cache in bf16 and in fp32 (each mode in its own process), and prints that round's ratios: Mft bf16 / PyTorch autocast
# (ft; mft-exact against the peer's mft, online teacher), Mft bf16 / fp32, and mft-exact / ft step time, from the median
# steps and again from each process's fastest step; then the same ratios from each mode's fastest step over all rounds.
# Usage: bash bench/alternate.sh [preset] [rounds] [steps]   (bench-medium 3 10: ~6 minutes; bench-0.5b 2 3: ~25)
# Writes bench/results/<date>-alternated-<preset>/ (the raw JSON of every round) and its .md.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-bench-medium}"
rounds="${2:-3}"
steps="${3:-10}"
warmup=3; [ "$preset" = bench-0.5b ] && warmup=1   # as bench/bf16-0.5b.sh: a 0.5B step takes 5-15 s
source bench/common.sh
out="$(results_dir "$(date -u +%Y-%m-%d)-alternated-$preset")"
mkdir -p "$out"
for r in $(seq "$rounds"); do
  /usr/bin/python3 "$peer" --preset "$preset" --warmup "$warmup" --steps "$steps" --modes ft,mft --bf16 --no-matmul \
    --json "$out/pytorch-bf16-$r.json" >"$out/pytorch-bf16-$r.log" 2>&1
  $bench "$preset" --steps "$steps" --modes ft+bf16,mft-exact+bf16,ft,mft-exact --json "$out/mft-$r.json" >"$out/mft-$r.log" 2>&1
  echo "round $r of $rounds done ($(date -u +%H:%M:%S) UTC)" >&2
done
/usr/bin/python3 - "$out" "$rounds" "$preset" "$steps" >"$out.md" <<'PY'
import json, statistics, sys
out, rounds, preset, steps = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def modes(path):
    m = json.load(open(path))["modes"]
    return {x["mode"]: x for x in m} if isinstance(m, list) else m
# Each ratio is one step time over another (the same tokens per step on both sides, so a ratio of tokens/s too).
RATIOS = [
    ("ft: Mft bf16 / PyTorch autocast", ("peer", "ft"), ("mft", "ft+bf16")),
    ("mft: Mft mft-exact bf16 / PyTorch autocast mft", ("peer", "mft"), ("mft", "mft-exact+bf16")),
    ("ft: Mft bf16 / fp32", ("mft", "ft"), ("mft", "ft+bf16")),
    ("mft-exact: Mft bf16 / fp32", ("mft", "mft-exact"), ("mft", "mft-exact+bf16")),
    ("mft-exact / ft step, bf16", ("mft", "mft-exact+bf16"), ("mft", "ft+bf16")),
    ("mft-exact / ft step, fp32", ("mft", "mft-exact"), ("mft", "ft")),
]
runs = [{"peer": modes(f"{out}/pytorch-bf16-{r}.json"), "mft": modes(f"{out}/mft-{r}.json")} for r in range(1, rounds + 1)]
def ratios(seconds):   # seconds(side, mode): a step time; each ratio's value
    return {name: seconds(*over) / seconds(*under) for name, over, under in RATIOS}
median = [ratios(lambda side, mode, run=run: run[side][mode]["median_step_s"]) for run in runs]
fastest = [ratios(lambda side, mode, run=run: run[side][mode]["min_step_s"]) for run in runs]   # this VM's noise only ever adds time
print(f"# {preset}: the peer and Mft alternated, {rounds} rounds of {steps} timed steps per mode\n")
print("Each round: the peer's ft and mft under --bf16, then Mft's ft+bf16, mft-exact+bf16, ft and mft-exact, each in its own process (bench/alternate.sh). Ratios of tokens/s (median steps) within a round; then the same ratios of each process's fastest timed step (best step: steal and neighbours on this VM only ever add time, so the fastest step is the least disturbed one).\n")
print("| | " + " | ".join(f"round {r}" for r in range(1, rounds + 1)) + " | median |")
print("|---|" + "---|" * (rounds + 1))
for label, rows in (("", median), ("best step: ", fastest)):
    for name, _, _ in RATIOS:
        vals = [row[name] for row in rows]
        print(f"| {label}{name} | " + " | ".join(f"{v:.3f}" for v in vals) + f" | {statistics.median(vals):.3f} |")
for name, pair in (("tok/s: PyTorch autocast ft, Mft bf16 ft", (("peer", "ft"), ("mft", "ft+bf16"))),
                   ("tok/s: PyTorch autocast mft, Mft bf16 mft-exact", (("peer", "mft"), ("mft", "mft-exact+bf16")))):
    print(f"| {name} | " + " | ".join(", ".join(f"{run[s][m]['tokens_per_s']:.1f}" for s, m in pair) for run in runs) + " | |")
fastest_s = {(side, mode): min(run[side][mode]["min_step_s"] for run in runs) for side in ("peer", "mft") for mode in runs[0][side]}
print(f"\nFastest step over all {rounds} rounds (s): " + ", ".join(f"{side} {mode} {v:.4f}" for (side, mode), v in fastest_s.items()))
overall = ratios(lambda side, mode: fastest_s[side, mode])
print("- ratios: " + "; ".join(f"{name} {v:.3f}x" for name, v in overall.items()))
PY
cat "$out.md"
