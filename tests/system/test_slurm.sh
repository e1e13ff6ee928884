#!/bin/sh
# rahil on a Slurm cluster: brings up a single-node cluster of its own (munged with its own key,
# slurmctld and slurmd from a generated slurm.conf, everything in a temporary directory),
# submits a campaign as a 4-task job array (one shard per task, docs/scale.md) and rahil merge
# as a job that depends on it, and checks that the merged result is the unsharded campaign's.
# Needs root and Debian's slurm-wlm and munge (scripts/install-deps.sh); when a daemon does not
# come up the test fails and prints its log. Stops every daemon it started on exit.
# usage: test_slurm.sh RAHIL
set -u
RAHIL=$(cd "$(dirname "${1:-build/rahil}")" && pwd)/$(basename "${1:-build/rahil}")
SRC=$(pwd)
TIMEOUT=${RAHIL_SLURM_TIMEOUT:-600}
tmp=$(mktemp -d /tmp/rahil-slurm.XXXXXX)
chmod 755 "$tmp"
pass=0 fail=0
echo "declared: 3 tests"
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1: $2"; fail=$((fail + 1)); }
finish() {
	echo "$pass passed, $fail failed, 0 skipped"
	[ $fail -eq 0 ]
	exit $?
}

pids=""
cleanup() {
	# jobs still queued or running (a timeout): cancelled on this test's cluster before its daemons stop
	if [ -n "${SLURM_CONF:-}" ]; then
		squeue -h -o %i 2>/dev/null | xargs -r scancel 2>/dev/null
		sleep 1
	fi
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# logs FILE...: the daemons' logs, for a failure message
logs() { for f in "$@"; do [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }; done; }

# A TCP port nobody listens on (from /proc/net/tcp*, state 0A is LISTEN), from $1 upwards.
free_port() {
	p=$1
	while grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf %04X "$p") [0-9A-F]*:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
		p=$((p + 1))
	done
	echo "$p"
}

name=slurm_cluster_up
for tool in munged slurmctld slurmd sbatch squeue sinfo scancel; do
	if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		bad $name "$tool is not installed (Debian packages slurm-wlm and munge: scripts/install-deps.sh)"
		finish
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	bad $name "this test runs the Slurm daemons as root (SlurmUser=root): run it as root"
	finish
fi
PATH=$PATH:/usr/sbin
export PATH

# munge: its own key and socket.
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/jobs"
chmod 700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge/munge.key"
sock="$tmp/munge/munge.socket"
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$sock" \
	--pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" \
	--seed-file="$tmp/munge/munged.seed" >"$tmp/munge/munged.out" 2>&1 &
pids="$pids $!"
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$sock" ]; then
	bad $name "munged did not start: $(logs "$tmp/munge/munged.out" "$tmp/munge/munged.log")"
	finish
fi

# slurm.conf: one node (this machine), one partition, no cgroups, no accounting.
host=$(hostname -s 2>/dev/null || hostname)
# the node as slurmd itself sees the hardware (CPUs and topology; not the memory, which moves),
# so that it registers; the machine's CPU count alone when slurmd -C says nothing
hw=$(slurmd -C 2>/dev/null | head -n 1 | tr ' ' '\n' |
	grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore)=[0-9]+$' | tr '\n' ' ')
case $hw in *CPUs=*) ;; *) hw="CPUs=$(nproc) " ;; esac
ctld_port=$(free_port $((20000 + $$ % 20000)))
slurmd_port=$(free_port $((ctld_port + 1)))
conf="$tmp/slurm.conf"
cat >"$conf" <<CONF
ClusterName=rahiltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 ${hw}State=UNKNOWN
PartitionName=rahil Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
SLURM_CONF=$conf
export SLURM_CONF

slurmctld -D -i -f "$conf" >"$tmp/slurmctld.out" 2>&1 &
ctld=$!
slurmd -D -f "$conf" -N "$host" >"$tmp/slurmd.out" 2>&1 &
slurmd=$!
pids="$pids $ctld $slurmd"
# up to 60 s for the node to report idle; a daemon that exits ends the wait
start=$(date +%s) state=""
while [ $(($(date +%s) - start)) -lt 60 ] && kill -0 $ctld 2>/dev/null && kill -0 $slurmd 2>/dev/null; do
	state=$(sinfo -h -n "$host" -o %t 2>/dev/null | head -n 1)
	case $state in idle | mix | alloc) break ;; esac
	sleep 0.2
done
case $state in
idle | mix | alloc) ok $name ;;
*)
	bad $name "the node did not come up (state '$state'): $(logs "$tmp/slurmctld.out" "$tmp/slurmctld.log" \
		"$tmp/slurmd.out" "$tmp/slurmd.log")"
	finish
	;;
esac

# The campaign: 4 shards as an array job, the merge as a job after it.
camp="campaign -m models/mlp.rmod --backend sim:ice40 --sampler uniform --n 400 --images 8 --seed 5 -q --json"
name=slurm_array_and_merge
cat >"$tmp/shard.sh" <<JOB
#!/bin/sh
exec "$RAHIL" $camp --shard \$SLURM_ARRAY_TASK_ID/4 --journal "$tmp/jobs/shard-\$SLURM_ARRAY_TASK_ID.jnl"
JOB
cat >"$tmp/merge.sh" <<JOB
#!/bin/sh
"$RAHIL" merge --json "$tmp"/jobs/shard-*.jnl >"$tmp/jobs/merged.json"
echo \$? >"$tmp/jobs/merge.rc"
JOB
array=$(sbatch --parsable --array=0-3 --chdir="$SRC" --output="$tmp/jobs/shard-%a.out" "$tmp/shard.sh" 2>"$tmp/sbatch.err")
merge=""
[ -n "$array" ] && merge=$(sbatch --parsable --dependency=afterok:"$array" --chdir="$SRC" \
	--output="$tmp/jobs/merge.out" "$tmp/merge.sh" 2>>"$tmp/sbatch.err")
if [ -z "$array" ] || [ -z "$merge" ]; then
	bad $name "sbatch failed: $(cat "$tmp/sbatch.err") $(logs "$tmp/slurmctld.log")"
	finish
fi
start=$(date +%s)
while [ -n "$(squeue -h -j "$array,$merge" -o %i 2>/dev/null)" ] && [ $(($(date +%s) - start)) -lt "$TIMEOUT" ]; do
	sleep 1
done
if [ -n "$(squeue -h -j "$array,$merge" -o %i 2>/dev/null)" ]; then
	bad $name "the jobs did not finish in $TIMEOUT s: $(squeue 2>&1) $(logs "$tmp/slurmctld.log" "$tmp/slurmd.log")"
elif [ "$(cat "$tmp/jobs/merge.rc" 2>/dev/null)" != 0 ]; then
	bad $name "the merge job did not succeed: $(cat "$tmp"/jobs/*.out 2>&1) $(logs "$tmp/slurmctld.log" "$tmp/slurmd.log")"
else
	ok $name
fi

# The merged result is the unsharded campaign's (every estimate key; run-specific keys aside).
name=slurm_merge_equals_whole
est() { sed -n '/"self_check"\|"shards"/q; /"backend"/d; p' "$1"; }
if ! "$RAHIL" $camp >"$tmp/whole.json" 2>"$tmp/whole.err"; then
	bad $name "the unsharded campaign failed: $(cat "$tmp/whole.err")"
elif [ ! -s "$tmp/jobs/merged.json" ]; then
	bad $name "no merged result"
else
	est "$tmp/whole.json" >"$tmp/a.est"
	est "$tmp/jobs/merged.json" >"$tmp/b.est"
	if [ "$(wc -l <"$tmp/b.est")" -lt 40 ] || ! diff "$tmp/a.est" "$tmp/b.est" >"$tmp/diff"; then
		bad $name "$(cat "$tmp/diff")"
	else
		ok $name
	fi
fi
finish
