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
rows = []
for r in range(1, rounds + 1):
    peer, mft = modes(f"{out}/pytorch-bf16-{r}.json"), modes(f"{out}/mft-{r}.json")
    t = lambda m, k: m[k]["tokens_per_s"]
    b = lambda m, k: m[k]["min_step_s"]   # the fastest timed step: this VM's noise only ever adds time
    rows.append({
        "ft: Mft bf16 / PyTorch autocast": t(mft, "ft+bf16") / t(peer, "ft"),
        "mft: Mft mft-exact bf16 / PyTorch autocast mft": t(mft, "mft-exact+bf16") / t(peer, "mft"),
        "ft: Mft bf16 / fp32": t(mft, "ft+bf16") / t(mft, "ft"),
        "mft-exact: Mft bf16 / fp32": t(mft, "mft-exact+bf16") / t(mft, "mft-exact"),
        "mft-exact / ft step, bf16": t(mft, "ft+bf16") / t(mft, "mft-exact+bf16"),
        "mft-exact / ft step, fp32": t(mft, "ft") / t(mft, "mft-exact"),
        "best step: ft Mft bf16 / PyTorch autocast": b(peer, "ft") / b(mft, "ft+bf16"),
        "best step: mft Mft mft-exact bf16 / PyTorch autocast mft": b(peer, "mft") / b(mft, "mft-exact+bf16"),
        "best step: ft Mft bf16 / fp32": b(mft, "ft") / b(mft, "ft+bf16"),
        "best step: mft-exact Mft bf16 / fp32": b(mft, "mft-exact") / b(mft, "mft-exact+bf16"),
        "best step: mft-exact / ft, bf16": b(mft, "mft-exact+bf16") / b(mft, "ft+bf16"),
        "tok/s: PyTorch autocast ft, Mft bf16 ft": f'{t(peer, "ft"):.1f}, {t(mft, "ft+bf16"):.1f}',
        "tok/s: PyTorch autocast mft, Mft bf16 mft-exact": f'{t(peer, "mft"):.1f}, {t(mft, "mft-exact+bf16"):.1f}',
    })
keys = list(rows[0])
print(f"# {preset}: the peer and Mft alternated, {rounds} rounds of {steps} timed steps per mode\n")
print("Each round: the peer's ft and mft under --bf16, then Mft's ft+bf16, mft-exact+bf16, ft and mft-exact, each in its own process (bench/alternate.sh). Ratios of tokens/s (median steps) within a round; then the same ratios of each process's fastest timed step (best step: steal and neighbours on this VM only ever add time, so the fastest step is the least disturbed one).\n")
print("| | " + " | ".join(f"round {r}" for r in range(1, rounds + 1)) + " | median |")
print("|---|" + "---|" * (rounds + 1))
for k in keys:
    vals = [row[k] for row in rows]
    if isinstance(vals[0], float):
        print(f"| {k} | " + " | ".join(f"{v:.3f}" for v in vals) + f" | {statistics.median(vals):.3f} |")
    else:
        print(f"| {k} | " + " | ".join(vals) + " | |")
best = {}   # each mode's fastest step over every round
for r in range(1, rounds + 1):
    for side, path in (("peer", f"{out}/pytorch-bf16-{r}.json"), ("mft", f"{out}/mft-{r}.json")):
        for k, m in modes(path).items():
            best[(side, k)] = min(best.get((side, k), float("inf")), m["min_step_s"])
print(f"\nFastest step over all {rounds} rounds (s): " + ", ".join(f"{side} {k} {v:.4f}" for (side, k), v in best.items()))
print(f"- ft: Mft bf16 / PyTorch autocast {best['peer', 'ft'] / best['mft', 'ft+bf16']:.3f}x; mft-exact bf16 / PyTorch autocast mft "
      f"{best['peer', 'mft'] / best['mft', 'mft-exact+bf16']:.3f}x")
print(f"- Mft bf16 / fp32: ft {best['mft', 'ft'] / best['mft', 'ft+bf16']:.3f}x, mft-exact {best['mft', 'mft-exact'] / best['mft', 'mft-exact+bf16']:.3f}x; "
      f"mft-exact / ft step, bf16 {best['mft', 'mft-exact+bf16'] / best['mft', 'ft+bf16']:.3f}x")
PY
cat "$out.md"
