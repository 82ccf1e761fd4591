#!/usr/bin/env bash
# mft sweep --slurm on a real Slurm, not a mock: starts a single-node cluster on this machine (munged, slurmctld,
# slurmd; state under a temporary folder), submits tests/cluster/tiny.yaml with --slurm --submit --array-size 2,
# checks that the collected report equals the single-process sweep's, then kills one array task of a second
# submission midway and checks that submitting again trains only the missing run; last, one training run on 2 MPI
# ranks started by srun (--mpi=pmix) must give the weights mpirun -n 2 gives. Installs slurm-wlm and munge
# (and openmpi-bin) when missing (needs root), stops the daemons it started by their pids (also on failure), and gives up after
# MFT_CLUSTER_TIMEOUT seconds (default 600). Usage: tests/cluster/run.sh   (from anywhere; MFT="..." to use a built mft)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
LIMIT=${MFT_CLUSTER_TIMEOUT:-600}
start=$SECONDS
fail() { echo "cluster test FAILED: $*" >&2; exit 1; }
left() { (( SECONDS - start < LIMIT )) || fail "timed out after ${LIMIT} s"; }

[ "$(id -u)" -eq 0 ] || fail "needs root (it starts munged, slurmctld and slurmd, and jobs run as the submitting user)"
need=()
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
command -v mpirun >/dev/null 2>&1 || need+=(openmpi-bin)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -z "${MFT:-}" ]; then
  timeout 600 dotnet build src/Mft.Cli/Mft.Cli.csproj -c Release --nologo -v q >/dev/null
  MFT="$(command -v dotnet) $ROOT/src/Mft.Cli/bin/Release/net10.0/linux-x64/mft.dll"   # the CLI builds for linux-x64 (docs/packaging.md)
fi

W=$(mktemp -d /tmp/mft-cluster.XXXXXX)
S=$W/slurm
mkdir -p "$S/state" "$S/spool"
pids=()
cleanup() {
  local code=$?
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ $code -ne 0 ]; then
    echo "--- slurmctld log (tail)"; tail -n 20 "$S/slurmctld.log" 2>/dev/null || true
    echo "--- slurmd log (tail)"; tail -n 20 "$S/slurmd.log" 2>/dev/null || true
    echo "--- job logs (tails)"; for f in "$W"/*/slurm/logs/*.out; do [ -f "$f" ] && { echo "$f:"; tail -n 5 "$f"; }; done
    echo "kept $W for inspection"
  else
    rm -rf "$W"
  fi
  echo "cluster test: $(( SECONDS - start )) s"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge: reuse a running munged, else start one as the munge user and remember its pid
if ! munge -n </dev/null >/dev/null 2>&1; then
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  [ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  pids+=("$(cat /run/munge/munged.pid)")
  munge -n </dev/null >/dev/null || fail "munged does not answer"
fi

host=$(hostname -s)
export SLURM_CONF=$S/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=mfttest
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$S/slurmctld.out" 2>&1 & pids+=($!)
/usr/sbin/slurmd -D -f "$SLURM_CONF" >"$S/slurmd.out" 2>&1 & pids+=($!)
until sinfo -h -o %T 2>/dev/null | grep -qE '^idle'; do left; sleep 0.5; done
echo "slurm up after $(( SECONDS - start )) s: $(sinfo -h -o '%P %D %c %T')"

CONFIG=tests/cluster/tiny.yaml
# The reference: one process, one thread (the tasks get $SLURM_CPUS_PER_TASK = 1).
timeout 300 $MFT sweep --config $CONFIG --out "$W/single" --threads 1 >"$W/single.log" 2>&1 || { cat "$W/single.log"; fail "the single-process sweep failed"; }
echo "single-process sweep done after $(( SECONDS - start )) s"

job_of() { sed -nE "s/^submitted $1: job ([0-9]+)$/\1/p" "$2"; }
submit() {   # out-dir log
  timeout 120 $MFT sweep --config $CONFIG --out "$1" --slurm --submit --array-size 2 --cpus-per-task 1 >"$2" 2>&1 || { cat "$2"; fail "submission failed"; }
}
wait_for() {   # job ids...: until none is queued or running
  while [ -n "$(squeue -h -j "$(IFS=,; echo "$*")" 2>/dev/null)" ]; do left; sleep 0.5; done
}
state_of() { scontrol show job "$1" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | head -n1 | cut -d= -f2; }
# The report's numbers without its timings (wall time, seconds per run).
numbers() {
  cut -d, -f1-14 "$1/results.csv"; cat "$1/trajectories.csv"; cut -d, -f1-13 "$1/summary.csv"
  sed -E '/runs, /d; s/ [0-9]+ \|$/ - |/' "$1/report.md"
}
same_as_single() { diff <(numbers "$W/single") <(numbers "$1") >"$W/diff.txt" || { head -n 20 "$W/diff.txt"; fail "$1: report differs from the single-process sweep's"; }; }

# 1. The whole sweep through Slurm: teacher array, run array after it, collect after that.
submit "$W/cluster" "$W/submit1.log"
cat "$W/submit1.log"
t1=$(job_of teachers "$W/submit1.log"); r1=$(job_of runs "$W/submit1.log"); c1=$(job_of collect "$W/submit1.log")
[ -n "$t1" ] && [ -n "$r1" ] && [ -n "$c1" ] || fail "expected teachers, runs and collect job ids"
grep -q "squeue -j" "$W/submit1.log" && grep -q "sacct -j" "$W/submit1.log" || fail "no instructions to follow the jobs"
wait_for "$t1" "$r1" "$c1"
[ "$(state_of "$c1")" = COMPLETED ] || fail "collect job $c1 ended $(state_of "$c1")"
same_as_single "$W/cluster"
[ "$(ls "$W/cluster/slurm/logs" | grep -c '^runs-')" -eq 2 ] || fail "expected 2 run tasks (--array-size 2)"
echo "1. slurm sweep == single-process sweep after $(( SECONDS - start )) s"

# 2. A second submission; one run task is killed while it trains its last run.
O=$W/cluster2
submit "$O" "$W/submit2.log"
r2=$(job_of runs "$W/submit2.log"); c2=$(job_of collect "$W/submit2.log"); t2=$(job_of teachers "$W/submit2.log")
reports() { find "$O/runs" -name report.json 2>/dev/null | wc -l; }
# A task that has finished its first run and claimed its second (so seconds of work are left when it is killed).
second_run() {
  for c in $(find "$O/runs" -name '*.claim' 2>/dev/null); do
    [ -f "${c%.claim}/report.json" ] && continue
    local task; task=$(cut -d' ' -f1 "$c" | cut -d/ -f1)
    grep -qs '^\[1/2\]' "$O/slurm/logs/runs-${r2}_${task}.out" && { echo "$c"; return; }
  done
}
until claim=$(second_run) && [ -n "$claim" ]; do
  left; [ "$(reports)" -lt 4 ] || fail "every run finished before one could be killed"; sleep 0.1
done
k=$(cut -d' ' -f1 "$claim" | cut -d/ -f1)
scancel "${r2}_${k}"
wait_for "$t2" "$r2" "$c2"
[ "$(reports)" -eq 3 ] || fail "expected 3 finished runs after killing task $k, found $(reports)"
[ ! -f "$O/report.md" ] || fail "the collect job ran although a run task was killed"
[ "$(state_of "$c2")" = CANCELLED ] || fail "collect job $c2 ended $(state_of "$c2"), expected CANCELLED (its dependency failed)"
echo "2. killed task ${r2}_${k} while it trained ${claim#"$O/"}; collect job $c2 ended $(state_of "$c2")"
before=$(find "$O/runs" -name report.json -printf '%p %T@\n' | sort)

# 3. Submitting again finishes only the missing run.
submit "$O" "$W/submit3.log"
r3=$(job_of runs "$W/submit3.log"); c3=$(job_of collect "$W/submit3.log"); t3=$(job_of teachers "$W/submit3.log")
wait_for "$t3" "$r3" "$c3"
[ "$(state_of "$c3")" = COMPLETED ] || fail "collect job $c3 ended $(state_of "$c3")"
after=$(find "$O/runs" -name report.json -printf '%p %T@\n' | sort)
[ "$(comm -12 <(echo "$before") <(echo "$after") | wc -l)" -eq 3 ] || fail "a finished run was trained again"
trained=$(cat "$O"/slurm/logs/runs-"${r3}"_*.out | grep -E '^\[[0-9]+/[0-9]+\] bible' | grep -vc 'done earlier' || true)
[ "$trained" -eq 1 ] || fail "the resubmission trained $trained runs, expected 1"
grep -q 'teacher cache.*done earlier' "$O"/slurm/logs/teachers-"${t3}"_*.out || fail "the resubmission recomputed a teacher cache"
same_as_single "$O"
echo "3. resubmission trained only the missing run; report == single-process sweep's"

# 4. One training run on 2 ranks launched by Slurm itself (srun's PMIx plugin, no mpirun) gives mpirun's weights.
head -c 20000 data/domains/devil/train.txt > "$W/domain.txt"
head -c 5000 data/general/test.txt > "$W/general.txt"
run_args() { echo train --model models/base --data "$W/domain.txt" --general "$W/general.txt" --method mft --tau 0.3 --max-steps 4 --context 32 --batch-size 2 \
  --lr 1e-3 --warmup-steps 1 --threads 1 --seed 3 --out "$1"; }
timeout 300 mpirun --allow-run-as-root --oversubscribe --bind-to none -n 2 $MFT $(run_args "$W/mpirun") >"$W/mpirun.log" 2>&1 \
  || { cat "$W/mpirun.log"; fail "mpirun -n 2 mft train failed"; }
timeout 300 srun -n 2 --cpus-per-task 1 --mpi=pmix $MFT $(run_args "$W/srun") >"$W/srun.log" 2>&1 \
  || { cat "$W/srun.log"; fail "srun -n 2 --mpi=pmix mft train failed"; }
cmp "$W/mpirun/model/model.safetensors" "$W/srun/model/model.safetensors" || fail "srun's 2 ranks trained other weights than mpirun's"
echo "4. srun -n 2 --mpi=pmix trained mpirun -n 2's weights after $(( SECONDS - start )) s"
echo "cluster test passed"
