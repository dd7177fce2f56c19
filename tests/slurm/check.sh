#!/usr/bin/env bash
# docs/SCALING.md's Slurm job-array example, run as written on a one-node cluster on this
# machine: munge, slurmctld and slurmd on localhost, in a temporary folder, taken down at the
# end. The merged results.json must equal a single run's (except elapsed_seconds).
#
# Needs root (Slurm's daemons) and Debian's slurm-wlm and munge: `.ci/run` installs them.
# Usage: tests/slurm/check.sh [path/to/valuecase]   (default: builds the release binary)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
bin=${1:+$(realpath "$1")}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=$repo/target/release/valuecase
fi
for tool in slurmctld slurmd munged sbatch; do
  command -v "$tool" >/dev/null || { echo "slurm check: $tool is missing (apt-get install slurm-wlm munge)"; exit 1; }
done

work=$(mktemp -d /tmp/valuecase-slurm.XXXXXX)
pids=()
cleanup() {
  scancel --user=root >/dev/null 2>&1 || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A private munge daemon (its own socket), and Slurm configured to use it.
mkdir -p "$work"/{munge,state,spool,log,bin,submit}
cp /etc/munge/munge.key "$work/munge/key" 2>/dev/null || dd if=/dev/urandom of="$work/munge/key" bs=1024 count=1 2>/dev/null
chmod 600 "$work/munge/key"
munged --force --key-file="$work/munge/key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/pid" --log-file="$work/log/munge.log" --seed-file="$work/munge/seed"
pids+=("$(cat "$work/munge/pid")")

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
cat > "$work/slurm.conf" <<EOF
ClusterName=valuecase-check
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF" -i
sleep 1
pids+=("$(cat "$work/slurmctld.pid")")
slurmd -f "$SLURM_CONF"
sleep 1
pids+=("$(cat "$work/slurmd.pid")")
for _ in $(seq 60); do
  if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then break; fi
  sleep 1
done
sinfo -h -o '%n %t %c' || true

# The two scripts, cut out of docs/SCALING.md exactly as written.
python3 - "$repo/docs/SCALING.md" "$work/submit" <<'PY'
import re, sys
doc = open(sys.argv[1]).read()
blocks = re.findall(r"```sh\n(.*?)```", doc, re.S)
for name in ("shards.sbatch", "submit.sh"):
    found = [b for b in blocks if f"# {name}:" in b]
    assert len(found) == 1, f"docs/SCALING.md has no single block for {name}"
    open(f"{sys.argv[2]}/{name}", "w").write(found[0])
PY
ln -s "$repo/scenarios" "$work/submit/scenarios"
ln -s "$bin" "$work/bin/valuecase"

tasks=4 per=2500
cd "$work/submit"
PATH=$work/bin:$PATH TASKS=$tasks PER=$per PARTS=$work/submit/parts bash submit.sh > submitted.txt
echo "submitted: $(tr '\n' ' ' < submitted.txt)"
merge_job=$(tail -n 1 submitted.txt)
for _ in $(seq 300); do
  state=$(sacct -n -X -j "$merge_job" -o State 2>/dev/null | head -n 1 | tr -d ' ' || true)
  if [ -z "$state" ]; then
    state=$(scontrol show job "$merge_job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  fi
  case "$state" in
    COMPLETED) break ;;
    FAILED|CANCELLED*|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)
      echo "slurm check: the merge job ended $state"; cat slurm-*.out 2>/dev/null; exit 1 ;;
  esac
  sleep 1
done
[ "$state" = COMPLETED ] || { echo "slurm check: the merge job did not finish ($state)"; cat "$work/log/slurmctld.log" | tail -20; exit 1; }

ls parts/*.vcpart | wc -l | grep -qx "$tasks" || { echo "slurm check: expected $tasks parts"; ls parts; exit 1; }
# The same path as the shards were given, so the recorded scenario file matches too.
"$bin" run "$work/submit/scenarios/hightech-1b.toml" --seed 42 --trials $(( tasks * per )) \
  --no-charts --quiet --out "$work/single"
python3 - "$work/submit/parts/results/results.json" "$work/single/results.json" <<'PY'
import json, sys
merged, single = (json.load(open(p)) for p in sys.argv[1:3])
for r in (merged, single):
    r.pop("elapsed_seconds")
diff = [k for k in sorted(set(merged) | set(single)) if merged.get(k) != single.get(k)]
assert not diff, f"the merged run differs from the single run in {diff}"
print(f"slurm check: {merged['trials']:,} trials merged from the job array == the single run")
PY
