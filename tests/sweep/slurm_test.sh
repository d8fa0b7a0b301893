#!/bin/bash
# A real single-node Slurm cluster on loopback runs the scripts of
# `s2sim sweep --emit slurm`: the job array (one task per point) and the
# collector as a job that depends on it (afterok), then a resubmission
# that reruns only a point whose result was deleted.
#
# usage: slurm_test.sh S2SIM SOURCE_DIR WORK_DIR
# Exit 77 (ctest: skipped) when Slurm is not installed.  slurmctld and
# slurmd run as the current user from WORK_DIR with private ports, state
# and logs, and are stopped on exit.  Authentication is Slurm's auth/none
# plugin (Slurm <= 23.02, e.g. Debian 12's slurm-wlm), so no munge
# daemon is needed.
set -u
s2sim=$1 src=$2 work=$3
export PATH="$PATH:/usr/sbin:/sbin"

skip() { echo "SKIP: $*"; exit 77; }
for p in slurmctld slurmd sbatch squeue sinfo scontrol; do
	command -v "$p" >/dev/null 2>&1 ||
		skip "Slurm is not installed ($p not found): apt-get install slurm-wlm"
done
plugins=$(ls -d /usr/lib/*/slurm-wlm /usr/lib/slurm-wlm /usr/lib64/slurm \
	/usr/lib/slurm /usr/local/lib/slurm 2>/dev/null | head -n 1)
[ -n "$plugins" ] && [ -e "$plugins/auth_none.so" ] ||
	skip "Slurm's auth/none plugin is missing (Slurm >= 23.11 removed it)"

rm -rf "$work" && mkdir -p "$work/state" "$work/spool" || exit 1
cd "$work" || exit 1
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	for f in slurmctld.log slurmd.log; do echo "--- $f"; tail -n 20 "$work/$f"; done
	exit 1
}

# Two free TCP ports on loopback.
read -r ctld_port d_port < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
[ -n "$d_port" ] || fail "no free ports"
user=$(id -un)
cat > slurm.conf <<CONF
ClusterName=s2simtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/none
CredType=cred/none
SlurmUser=$user
SlurmdUser=$user
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=s2simnode NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=s2sim Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

slurmctld -D -f "$SLURM_CONF" > slurmctld.out 2>&1 & pids+=($!)
slurmd -D -N s2simnode -f "$SLURM_CONF" > slurmd.out 2>&1 & pids+=($!)
for _ in $(seq 1 60); do
	[ "$(sinfo -h -n s2simnode -o %t 2>/dev/null)" = idle ] && break
	sleep 0.5
done
[ "$(sinfo -h -n s2simnode -o %t 2>/dev/null)" = idle ] || fail "the node never became idle"

# Wait for job $1 to end; print its state.
wait_job() {
	local state=
	for _ in $(seq 1 240); do
		state=$(scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' ')
		case "$state" in *PENDING*|*RUNNING*|*CONFIGURING*|*COMPLETING*|"") sleep 0.5 ;; *) break ;; esac
	done
	echo "$state"
}

# Submit the array and the dependent collector, as `--emit slurm` says.
submit() {
	local jid cid
	jid=$(sbatch --parsable out/sweep.slurm) || fail "sbatch sweep.slurm"
	cid=$(sbatch --parsable --dependency=afterok:${jid%%;*} out/collect.slurm) ||
		fail "sbatch collect.slurm"
	state=$(wait_job "$cid")
	[ "$state" = "COMPLETED " ] || fail "collector ended in state '$state'"
	echo "${jid%%;*}"
}

spec=$src/configs/sweeps/tiny.yaml
"$s2sim" sweep "$spec" --emit slurm --jobs 2 --out out > emit.out 2>&1 || fail "emit: $(cat emit.out)"
grep -q -- '--dependency=afterok:' emit.out || fail "no dependent collector in: $(cat emit.out)"
jid=$(submit) || exit 1

n=0
for d in out/0*/; do
	[ -s "$d/stats.json" ] || fail "$d has no stats.json"
	n=$((n + 1))
done
[ "$n" = 4 ] || fail "expected 4 points, found $n"
for t in 0 1 2 3; do
	[ -e "out/slurm-${jid}_$t.out" ] || fail "no output of array task $t"
done
[ "$(grep -c ',ok,' out/results.csv)" = 4 ] || fail "results.csv: $(cat out/results.csv)"

# Resubmitting reruns only the point whose result is gone.
before=$(stat -c %Y.%y out/0000-*/run.log)
rm out/0002-*/stats.json
sleep 1
jid=$(submit) || exit 1
[ "$(stat -c %Y.%y out/0000-*/run.log)" = "$before" ] || fail "a finished point ran again"
grep -q 'finished, skipped' "out/slurm-${jid}_0.out" || fail "task 0 was not skipped"
[ -s out/0002-*/stats.json ] || fail "point 2 did not run again"
[ "$(grep -c ',ok,' out/results.csv)" = 4 ] || fail "results.csv after resubmission"
echo "PASS: Slurm ran 4 array tasks and the dependent collector; resubmission reran 1 point"
