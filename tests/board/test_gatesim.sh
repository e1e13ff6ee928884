#!/bin/sh
# rahil gate-level checks: the bitstream's own netlist (rahil-gatesim, verilator/gatesim.mk)
# through the same host link as a board (serial:PTY over the simulated UART pins). Eval on a
# few images of both networks, bit-exact with the reference model and with the RTL's cycle
# counts; a fault list over every flip-flop class run through RUN_BATCH by `rahil campaign`,
# identical fault by fault (outcome, class, cycles, logits) to the same list on the in-process
# iCEBreaker core (sim:ice40) and on the verilated RTL board behind rahil-sim. What this proves
# and what it does not: docs/bench-guide.md, "The gate-level check".
# usage: test_gatesim.sh RAHIL RAHIL_SIM RAHIL_GATESIM
set -u
RAHIL=${1:-build/rahil}
RAHIL_SIM=${2:-build/rahil-sim}
RAHIL_GATESIM=${3:-build/rahil-gatesim}
tmp=$(mktemp -d)
pass=0 fail=0
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "ok    $*"; pass=$((pass + 1)); }
bad() {
	n=$1
	shift
	echo "FAIL  $n: $*"
	fail=$((fail + 1))
}
# json FILE KEY: the first number under KEY in rahil's --json output
json() { sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\\([-0-9.e]*\\),*\$/\\1/p" "$1" | head -n 1; }
# jstr FILE KEY: the first string under KEY
jstr() { sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\"\\([^\"]*\\)\",*\$/\\1/p" "$1" | head -n 1; }

# serve NAME PROGRAM ARGS...: start a program that prints a terminal path; sets pty
serve() {
	n=$1
	shift
	rm -f "$tmp/$n.pty"
	"$@" >"$tmp/$n.pty" 2>"$tmp/$n.err" &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/$n.pty" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	pty=$(head -n 1 "$tmp/$n.pty")
}

# The IDENTIFY hash the host checks: the FF map of the RTL's ice40 set.
want_hash=$(cat "$(dirname "$RAHIL")/rtl/ice40/ffmap.hash" 2>/dev/null)

# cfg MODEL: sets k (eval images) and the fault list: n faults (uniform over every chain bit
# and cycle; the seeds hit all four classes) on the first imgs images, seed; 80 + 20 faults.
cfg() {
	case $1 in
	mlp) k=4 n=80 imgs=2 seed=13 ;;
	cnn) k=2 n=20 imgs=1 seed=12 ;;
	esac
	args="--sampler uniform --n $n --images $imgs --seed $seed --json -q"
}

# The RTL first (fast): eval on the in-process core, the fault list on it and on the verilated
# RTL board behind rahil-sim.
serve rtl "$RAHIL_SIM" --persist
rpty=$pty
[ -n "$rpty" ] || bad gatesim/start "rahil-sim did not start: $(cat "$tmp/rtl.err")"
for m in mlp cnn; do
	cfg "$m"
	"$RAHIL" eval -m "models/$m.rmod" --backend sim:ice40 --images "$k" --json -q >"$tmp/$m.re.json" \
		2>"$tmp/$m.re.err"
	echo $? >"$tmp/$m.re.rc"
	# shellcheck disable=SC2086
	"$RAHIL" campaign -m "models/$m.rmod" $args --backend sim:ice40 --csv "$tmp/$m.a.csv" \
		>"$tmp/$m.a.json" 2>"$tmp/$m.a.err"
	echo $? >"$tmp/$m.a.rc"
	# shellcheck disable=SC2086
	"$RAHIL" campaign -m "models/$m.rmod" $args --backend "serial:$rpty" --csv "$tmp/$m.b.csv" \
		>"$tmp/$m.b.json" 2>"$tmp/$m.b.err"
	echo $? >"$tmp/$m.b.rc"
done

# The netlist: one rahil-gatesim per network, the two networks side by side (the netlist runs
# some 60,000 clocks/s, and loading a model over the simulated UART is most of the time). It
# is some 200 times slower than a board: the host's answer timeouts 20 times longer (a
# LOAD_MODEL frame takes about 0.7 s, a CNN run 3.3 s). About 3 minutes on two cores.
# usage: gate MODEL PTY: eval, then the fault list
export RAHIL_LINK_TIMEOUT_SCALE=20
gate() {
	m=$1 p=$2
	cfg "$m"
	"$RAHIL" eval -m "models/$m.rmod" --backend "serial:$p" --images "$k" --json -q >"$tmp/$m.ge.json" \
		2>"$tmp/$m.ge.err"
	echo $? >"$tmp/$m.ge.rc"
	# shellcheck disable=SC2086
	"$RAHIL" campaign -m "models/$m.rmod" $args --backend "serial:$p" --csv "$tmp/$m.g.csv" \
		>"$tmp/$m.g.json" 2>"$tmp/$m.g.err"
	echo $? >"$tmp/$m.g.rc"
}
workers=""
for m in mlp cnn; do
	serve "gate-$m" "$RAHIL_GATESIM" --persist
	if [ -z "$pty" ]; then
		bad gatesim/start "rahil-gatesim did not start: $(cat "$tmp/gate-$m.err")"
		continue
	fi
	gate "$m" "$pty" &
	workers="$workers $!"
done
for w in $workers; do wait "$w"; done

# Eval on the netlist: every logit of every image equal to the reference model's (0 mismatches),
# and the cycles of an inference those of the in-process RTL core.
evalcheck() { # MODEL
	m=$1
	name=gatesim/eval-$m
	cfg "$m"
	g=$tmp/$m.ge.json r=$tmp/$m.re.json
	gc=$(json "$g" cycles_per_inference) rc=$(json "$r" cycles_per_inference)
	if [ "$(cat "$tmp/$m.ge.rc" 2>/dev/null)" != 0 ] || [ "$(cat "$tmp/$m.re.rc")" != 0 ]; then
		bad "$name" "exit $(cat "$tmp/$m.ge.rc" 2>/dev/null) / $(cat "$tmp/$m.re.rc"):" \
			"$(cat "$tmp/$m.ge.err" "$tmp/$m.re.err" 2>/dev/null)"
	elif [ "$(json "$g" images)" != "$k" ] || [ "$(json "$g" mismatches)" != 0 ]; then
		bad "$name" "$(json "$g" images) images, $(json "$g" mismatches) mismatches"
	elif [ -z "$gc" ] || [ "$gc" != "$rc" ]; then
		bad "$name" "$gc cycles per inference on the netlist, $rc on the RTL"
	elif [ "$(json "$g" correct)" != "$(json "$r" correct)" ]; then
		bad "$name" "correct: netlist $(json "$g" correct), RTL $(json "$r" correct)"
	else
		ok "$name ($k images bit-exact with the reference model, $gc cycles each as on the RTL," \
			"$(json "$g" inferences_per_s | cut -c1-4) inferences/s)"
	fi
}

# The fault list on the in-process core (a), on rahil-sim (b) and on the netlist (g): every line
# of the three CSVs (image, bit, flip-flop, class, cycle, outcome, class returned, cycles,
# logits) equal.
faultcheck() { # MODEL
	m=$1
	name=gatesim/$m-faults-vs-rtl
	cfg "$m"
	a=$tmp/$m.a.csv b=$tmp/$m.b.csv g=$tmp/$m.g.csv
	classes=$(tail -n +2 "$a" 2>/dev/null | cut -d, -f7 | sort -u | tr '\n' ' ')
	kinds=$(tail -n +2 "$a" 2>/dev/null | cut -d, -f9 | sort | uniq -c | awk '{ printf "%s %s, ", $1, $2 }')
	masked=$(tail -n +2 "$a" 2>/dev/null | cut -d, -f9 | grep -c '^masked$')
	hash=$(jstr "$tmp/$m.g.json" ffmap_hash)
	rcs="$(cat "$tmp/$m.a.rc") $(cat "$tmp/$m.b.rc") $(cat "$tmp/$m.g.rc" 2>/dev/null)"
	if [ "$rcs" != "0 0 0" ]; then
		bad "$name" "exit $rcs: $(cat "$tmp/$m.a.err" "$tmp/$m.b.err" "$tmp/$m.g.err" 2>/dev/null)"
	elif [ "$(wc -l <"$a")" -ne $((n + 1)) ]; then
		bad "$name" "$(($(wc -l <"$a") - 1)) injections in the CSV, expected $n"
	elif [ -z "$want_hash" ] || [ "$hash" != "$want_hash" ]; then
		bad "$name" "the netlist's IDENTIFY gave FF-map hash '$hash', the RTL's map is '$want_hash'"
	elif ! cmp -s "$a" "$b"; then
		bad "$name" "sim:ice40 and rahil-sim differ: $(diff "$a" "$b" | head -n 4 | tr '\n' ' ')"
	elif ! cmp -s "$a" "$g"; then
		bad "$name" "the netlist differs from the RTL: $(diff "$a" "$g" | head -n 4 | tr '\n' ' ')"
	elif [ "$(echo "$classes" | wc -w)" -ne 4 ]; then
		bad "$name" "faults hit only the classes $classes"
	elif [ "$masked" -eq "$n" ]; then
		bad "$name" "every fault came out masked: the comparison shows too little"
	else
		ok "$name ($n faults identical on the netlist, rahil-sim and sim:ice40: ${kinds%, };" \
			"classes ${classes% }; FF map $hash; $(json "$tmp/$m.g.json" round_trips) round trips," \
			"$(json "$tmp/$m.g.json" injections_per_s | cut -c1-4) injections/s on the netlist)"
	fi
}

for m in mlp cnn; do
	evalcheck "$m"
	faultcheck "$m"
done

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
