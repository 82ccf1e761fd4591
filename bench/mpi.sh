#!/usr/bin/env bash
# Data-parallel training's figures (docs/cluster.md), on this machine with real OpenMPI:
#   1. tokens/s of one mft train on 2 ranks x 1 thread against 1 process x 2 threads accumulating 2 micro-batches (the
#      same global batch; on one 2-core machine this measures the overhead, not a speed-up), and what an evaluation costs;
#   2. the gradient all-reduce between 2 ranks at bench-small, bench-medium and bench-0.5b (Mft.Bench allreduce);
#   3. a step of ft (Mft.Bench) at 1 thread, alone and on 2 ranks (each its micro-batch, then the all-reduce): the
#      all-reduce's share of a data-parallel step, in place. bench-0.5b too with MFT_BENCH_05B=1 (minutes, 17 GB).
# PARTS="1 2 3" chooses what runs.
# Usage: bash bench/mpi.sh [steps] > bench/results/DATE-mpi.md      (root: mpirun runs with --allow-run-as-root)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20}
command -v mpirun >/dev/null || { echo "needs OpenMPI: apt-get install openmpi-bin" >&2; exit 2; }
dotnet build src/Mft.Cli -c Release -v quiet -nologo >/dev/null
dotnet build bench/Mft.Bench -c Release -v quiet -nologo >/dev/null
mft="dotnet src/Mft.Cli/bin/Release/net10.0/linux-x64/mft.dll"
bench="dotnet bench/Mft.Bench/bin/Release/net10.0/Mft.Bench.dll"
mpirun="mpirun --allow-run-as-root --bind-to none -n 2"
W=$(mktemp -d /tmp/mft-mpi-bench.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$W"' EXIT
head -c 5000 data/general/test.txt > "$W/general.txt"
train() {   # out evaluations
  echo train --model models/base --data data/domains/devil/train.txt --general "$W/general.txt" --method ft --max-steps "$steps" \
    --context 256 --batch-size 8 --lr 1e-4 --warmup-steps 2 --seed 1 --evaluations "$2" --out "$W/$1"
}
# The median tokens/s of the steps after the third, from metrics.jsonl (rank 0 logs the global batch's tokens).
tokens_per_s() { grep '"type":"step"' "$W/$1/metrics.jsonl" | tail -n +4 | sed -E 's/.*"tokens_per_second":([0-9.eE+-]+).*/\1/' | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]}'; }
timed() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

PARTS=${PARTS:-1 2 3}
echo "# Data parallelism on MPI: $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(mpirun --version | head -n1)"
echo
if [[ " $PARTS " == *" 1 "* ]]; then
echo "## 1. mft train, embedded model, ft, batch 8 x 256 tokens per micro-batch, global batch 16 rows, $steps steps"
echo
one=$(timed $mft $(train one 0) --grad-accum 2 --threads 2)
two=$(timed $mpirun $mft $(train two 0) --threads 1)
twoe=$(timed $mpirun $mft $(train two-eval 5) --threads 1)
cmp -s "$W/one/model/model.safetensors" "$W/two/model/model.safetensors" && same="identical" || same="different (libtorch's kernels sum in another order at 2 threads than at 1; at equal threads they are identical, tests/Mft.Core.Tests/Distributed)"
echo "| run | median tokens/s | wall s (whole job) |"
echo "|---|---|---|"
echo "| 1 process x 2 threads, grad_accum 2 | $(tokens_per_s one) | $one |"
echo "| 2 ranks x 1 thread | $(tokens_per_s two) | $two |"
echo "| 2 ranks x 1 thread, 5 more evaluations | $(tokens_per_s two-eval) | $twoe |"
echo
echo "weights of the first two: $same"
echo
fi
if [[ " $PARTS " == *" 2 "* ]]; then
echo "## 2. Gradient all-reduce, 2 ranks x 1 thread (Mft.Bench allreduce)"
echo
echo '```'
$mpirun $bench allreduce --repeats 5
echo '```'
echo
fi
if [[ " $PARTS " == *" 3 "* ]]; then
echo "## 3. An ft step at 1 thread: one process, and each of 2 ranks (median of the timed steps, s)"
echo
step_of() { grep -o '"median_step_s":[0-9.eE+-]*' | head -n1 | cut -d: -f2; }   # mpirun's output may carry terminal escapes
echo "| preset | one process | 2 ranks (micro-batch each + all-reduce) | difference |"
echo "|---|---|---|---|"
presets="bench-medium"; [ -n "${MFT_BENCH_05B:-}" ] && presets="$presets bench-0.5b"
for p in $presets; do
  s=${STEPS3:-5}; [ $p = bench-0.5b ] && s=2
  a=$($bench $p --child ft --threads 1 --steps $s | step_of)
  b=$($mpirun $bench $p --child ft --threads 1 --steps $s | step_of)
  echo "| $p | $a | $b | $(echo "$b - $a" | bc -l | xargs printf '%.3f') |"
done
fi
