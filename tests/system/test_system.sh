#!/bin/sh
# rahil system tests: the same bytes through the standalone simulator's pseudo-terminal as
# through the in-process simulator. usage: test_system.sh RAHIL RAHIL_SIM
set -u
RAHIL=${1:-build/rahil}
RAHIL_SIM=${2:-build/rahil-sim}
tmp=$(mktemp -d)
pass=0 fail=0 skip=0
sim_pid=""
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1: $2"; fail=$((fail + 1)); }
# json FILE KEY: a top-level number from rahil's --json output
json() { sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\\([-0-9.e]*\\),*\$/\\1/p" "$1" | head -n 1; }

start_sim() { # start rahil-sim; sets sim_pid and pty
	rm -f "$tmp/pty"
	"$RAHIL_SIM" --persist >"$tmp/pty" 2>"$tmp/sim.err" &
	sim_pid=$!
	i=0
	while [ ! -s "$tmp/pty" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	pty=$(head -n 1 "$tmp/pty")
}

# rahil-sim is built by the project: when it does not start, that is a failure.
start_sim
if [ -z "$pty" ]; then
	bad system/rahil-sim-start "rahil-sim did not start: $(cat "$tmp/sim.err")"
	echo "$pass passed, $fail failed, $skip skipped"
	exit 1
fi

# eval over the pty (the bitstream's board design) and in-process (8x8 core): both bit-exact with the
# reference model on every logit, hence with each other, and the same accuracy.
name=system/eval-serial-vs-sim
"$RAHIL" eval -m models/mlp.rmod --backend "serial:$pty" --images 40 --json -q >"$tmp/serial.json" 2>"$tmp/e1"
r1=$?
"$RAHIL" eval -m models/mlp.rmod --backend sim --images 40 --json -q >"$tmp/sim.json" 2>"$tmp/e2"
r2=$?
if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then
	bad $name "exit $r1 / $r2: $(cat "$tmp/e1" "$tmp/e2")"
elif [ "$(json "$tmp/serial.json" mismatches)" != 0 ] || [ "$(json "$tmp/sim.json" mismatches)" != 0 ]; then
	bad $name "mismatches: serial $(json "$tmp/serial.json" mismatches), sim $(json "$tmp/sim.json" mismatches)"
elif [ "$(json "$tmp/serial.json" correct)" != "$(json "$tmp/sim.json" correct)" ]; then
	bad $name "correct: serial $(json "$tmp/serial.json" correct), sim $(json "$tmp/sim.json" correct)"
else
	ok "$name (40 images, 0 mismatches on both, $(json "$tmp/serial.json" correct) correct)"
fi

# A batched campaign over the pty: at most one round trip per 32 injections, every
# injection accounted for.
name=system/campaign-round-trips
n=640
if ! "$RAHIL" campaign -m models/mlp.rmod --backend "serial:$pty" --sampler uniform --n $n --images 5 \
	--seed 3 --json -q >"$tmp/camp.json" 2>"$tmp/e3"; then
	bad $name "exit $?: $(cat "$tmp/e3")"
else
	rt=$(json "$tmp/camp.json" round_trips)
	total=$(($(json "$tmp/camp.json" masked) + $(json "$tmp/camp.json" benign) + $(json "$tmp/camp.json" sdc) + \
		$(json "$tmp/camp.json" hang) + $(json "$tmp/camp.json" crash)))
	hash=$(sed -n 's/^[[:space:]]*"ffmap_hash":[[:space:]]*"\([0-9a-f]*\)",*$/\1/p' "$tmp/camp.json")
	want=$(cat "$(dirname "$RAHIL")/rtl/ice40/ffmap.hash" 2>/dev/null)
	if [ "$total" -ne $n ]; then
		bad $name "outcomes add up to $total, expected $n"
	elif [ -z "$want" ] || [ "$hash" != "$want" ]; then
		bad $name "FF-map hash '$hash' in the campaign, the bitstream's map is '$want'"
	elif [ -z "$rt" ] || [ "$rt" -eq 0 ] || [ $((rt * 32)) -gt $n ]; then
		bad $name "$rt round trips for $n injections (at most $((n / 32)) allowed)"
	else
		ok "$name ($n injections in $rt round trips, FF map $hash)"
	fi
fi

# key FILE: the estimate and outcome lines of a campaign's --json output, for comparisons
key() { grep -E '"(sa|ra|drop|masked|benign|sdc|hang|crash|n|seed|ess)":' "$1"; }
# wait_lines FILE N: until FILE has at least N lines (at most 30 s)
wait_lines() {
	w=0
	while [ "$(wc -l 2>/dev/null <"$1" || echo 0)" -lt "$2" ] && [ $w -lt 600 ]; do sleep 0.05; w=$((w + 1)); done
}

# The board disappears mid-campaign (rahil-sim killed): exit 2, nothing journaled is lost;
# resumed on a new board the campaign ends exactly as the uninterrupted one above.
name=system/campaign-board-lost-resume
camp="campaign -m models/mlp.rmod --sampler uniform --n $n --images 5 --seed 3 --json -q"
# shellcheck disable=SC2086
"$RAHIL" $camp --backend "serial:$pty" --journal "$tmp/lost.jnl" >"$tmp/lost1.json" 2>"$tmp/e4" &
cpid=$!
wait_lines "$tmp/lost.jnl" 2
kill -9 "$sim_pid"
wait "$sim_pid" 2>/dev/null
wait $cpid
st=$?
done1=$(($(wc -l <"$tmp/lost.jnl") - 1))
start_sim
if [ $st -ne 2 ]; then
	bad $name "exit $st after the board was lost (expected 2): $(cat "$tmp/e4")"
elif [ "$done1" -ge $n ]; then
	bad $name "the campaign finished before the board was lost: make it longer"
elif [ -z "$pty" ]; then
	bad $name "rahil-sim did not restart: $(cat "$tmp/sim.err")"
elif ! "$RAHIL" $camp --backend "serial:$pty" --journal "$tmp/lost.jnl" >"$tmp/lost2.json" 2>"$tmp/e5"; then
	bad $name "resume: exit $?: $(cat "$tmp/e5")"
elif [ "$(json "$tmp/lost2.json" resumed)" != "$done1" ]; then
	bad $name "resumed $(json "$tmp/lost2.json" resumed), the journal had $done1"
elif ! key "$tmp/camp.json" | diff - "$(key "$tmp/lost2.json" >"$tmp/k2"; echo "$tmp/k2")" >/dev/null; then
	bad $name "resumed result differs from the uninterrupted one: $(key "$tmp/lost2.json" | tr -d '\n\t')"
else
	ok "$name (board lost after $done1 of $n injections, exit 2; resumed, same result)"
fi

# Ctrl-C mid-campaign on the in-process simulator: exit 130 after the injections in flight,
# all of them journaled; run again, it resumes and ends as an uninterrupted campaign does.
name=system/campaign-sigint-resume
camp="campaign -m models/mlp.rmod --backend sim --sampler uniform --n 3000 --images 30 --seed 5 --json -q"
# shellcheck disable=SC2086
"$RAHIL" $camp >"$tmp/full.json" 2>"$tmp/e6"
# shellcheck disable=SC2086
"$RAHIL" $camp --journal "$tmp/int.jnl" >/dev/null 2>"$tmp/e7" &
cpid=$!
wait_lines "$tmp/int.jnl" 2
kill -INT $cpid
wait $cpid
st=$?
done1=$(($(wc -l <"$tmp/int.jnl") - 1))
# shellcheck disable=SC2086
if [ $st -ne 130 ]; then
	bad $name "exit $st after Ctrl-C (expected 130): $(cat "$tmp/e7")"
elif [ "$done1" -ge 3000 ]; then
	bad $name "the campaign finished before the interrupt: make it longer"
elif ! "$RAHIL" $camp --journal "$tmp/int.jnl" >"$tmp/int2.json" 2>"$tmp/e8"; then
	bad $name "resume: exit $?: $(cat "$tmp/e8")"
elif ! key "$tmp/full.json" | diff - "$(key "$tmp/int2.json" >"$tmp/k3"; echo "$tmp/k3")" >/dev/null; then
	bad $name "resumed result differs from the uninterrupted one"
else
	ok "$name (stopped after $done1 of 3000 injections, exit 130; resumed, same result)"
fi

# kill -9 at random points, again and again, of an importance-sampled campaign (isb: every
# injection weighted) with sequential stopping (--rel-ci): each run resumes from the journal,
# and the last one stops where an uninterrupted campaign of the same seed stops and ends exactly
# as it does, weighted estimate and outcomes included.
name=system/campaign-isb-kill9-resume
camp="campaign -m models/mlp.rmod --backend sim:ice40 --sampler isb --n 6000 --rel-ci 0.15 --images 8 --seed 9 --json -q"
# shellcheck disable=SC2086
"$RAHIL" $camp >"$tmp/isb.json" 2>"$tmp/e9"
kills=0 st=1 why=""
rm -f "$tmp/isb.jnl"
while [ $st -ne 0 ] && [ $kills -lt 8 ]; do
	# shellcheck disable=SC2086
	"$RAHIL" $camp --journal "$tmp/isb.jnl" >"$tmp/isb2.json" 2>"$tmp/e10" &
	cpid=$!
	# a random moment in the first 2.5 s of this run (the plan alone takes a fraction of it)
	sleep "$(awk -v s="$kills$$" 'BEGIN { srand(s); printf "%.2f", 0.2 + 2.3 * rand() }')"
	if kill -9 $cpid 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait $cpid 2>/dev/null
	st=$?
	[ $st -ne 0 ] && [ $st -ne 137 ] && why="exit $st: $(cat "$tmp/e10")" && break
done
# shellcheck disable=SC2086
if [ -n "$why" ]; then
	bad $name "$why"
elif [ $st -ne 0 ] && ! "$RAHIL" $camp --journal "$tmp/isb.jnl" >"$tmp/isb2.json" 2>"$tmp/e10"; then
	bad $name "the last resume: exit $?: $(cat "$tmp/e10")"
elif [ $kills -lt 2 ]; then
	bad $name "killed only $kills times: the campaign is too short to test resuming"
elif ! grep -q '"target_met":[[:space:]]*true' "$tmp/isb.json"; then
	bad $name "the uninterrupted campaign did not stop at its target: make the target looser"
elif [ "$(($(wc -l <"$tmp/isb.jnl") - 1))" -ne "$(json "$tmp/isb.json" n)" ]; then
	bad $name "the journal holds $(($(wc -l <"$tmp/isb.jnl") - 1)) injections, the uninterrupted run $(json "$tmp/isb.json" n)"
elif ! key "$tmp/isb.json" | diff - "$(key "$tmp/isb2.json" >"$tmp/k4"; echo "$tmp/k4")" >/dev/null; then
	bad $name "after $kills kills the result differs from the uninterrupted one: $(key "$tmp/isb2.json" | tr -d '\n\t')"
else
	ok "$name (killed $kills times at random points; resumed, stopped at the same $(json "$tmp/isb.json" n) injections, same weighted result)"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
