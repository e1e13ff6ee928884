#!/bin/sh
# rahil campaign system tests, each held to something outside the campaign code: a campaign's
# faults re-run one by one with `rahil inject`; the in-process iCEBreaker core (sim:ice40)
# against the verilated board design behind rahil-sim's pseudo-terminal, fault by fault; a
# board whose fault-free run differs from the reference model (tests/system/fake_board.c).
# usage: test_campaign.sh RAHIL RAHIL_SIM FAKE_BOARD
set -u
RAHIL=${1:-build/rahil}
RAHIL_SIM=${2:-build/rahil-sim}
FAKE_BOARD=${3:-build/tests/fake_board}
tmp=$(mktemp -d)
pass=0 fail=0
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1: $2"; fail=$((fail + 1)); }
# json FILE KEY: the first number under KEY in rahil's --json output
json() { sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\\([-0-9.e]*\\),*\$/\\1/p" "$1" | head -n 1; }
# field N of CSV line L
col() { echo "$1" | cut -d, -f"$2"; }

# serve PROGRAM ARGS...: start a program that prints a terminal path; sets pty
serve() {
	rm -f "$tmp/pty"
	"$@" >"$tmp/pty" 2>"$tmp/serve.err" &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/pty" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	pty=$(head -n 1 "$tmp/pty")
}

# A campaign's faults, re-run one at a time with rahil inject (its own canonical start, its
# own golden run), give the same outcome, class and logits. Takes every injection that did
# not come out masked (up to 20) and 10 masked ones. The drop must lie in [0, MAXDROP).
# usage: rerun NAME MODEL BACKEND N IMAGES MAXDROP
rerun() {
	name=$1 model=$2 be=$3 n=$4 k=$5 maxdrop=$6
	if ! "$RAHIL" campaign -m "$model" --backend "$be" --sampler uniform --n "$n" --images "$k" --seed 7 \
		--csv "$tmp/r.csv" --json -q >"$tmp/r.json" 2>"$tmp/r.err"; then
		bad "$name" "campaign exit $?: $(cat "$tmp/r.err")"
		return
	fi
	sa=$(json "$tmp/r.json" sa) ra=$(json "$tmp/r.json" ra) drop=$(json "$tmp/r.json" drop)
	{ grep -v ',masked,' "$tmp/r.csv" | tail -n +2 | head -n 20; grep ',masked,' "$tmp/r.csv" | head -n 10; } \
		>"$tmp/pick.csv"
	checked=0 differ=""
	while IFS= read -r line; do
		img=$(col "$line" 2) bit=$(col "$line" 4) cyc=$(col "$line" 8) out=$(col "$line" 9)
		cls=$(col "$line" 10)
		logits=$(echo "$line" | cut -d, -f15-)
		if ! "$RAHIL" inject -m "$model" --backend "$be" --image "$img" --bit "$bit" --cycle "$cyc" --json \
			>"$tmp/i.json" 2>"$tmp/i.err"; then
			differ="$differ; inject image $img bit $bit cycle $cyc: exit $? $(cat "$tmp/i.err")"
			continue
		fi
		iout=$(sed -n 's/^[[:space:]]*"outcome":[[:space:]]*"\([a-z]*\)",*$/\1/p' "$tmp/i.json")
		# the faulty run's logits: the first "logits" array (the golden one comes later)
		ilog=$(tr -d ' \t\n' <"$tmp/i.json" | sed 's/.*"cycle":[0-9]*,//' | sed -n 's/^.*"class":\([-0-9]*\),"logits":\[\([-0-9,]*\)\].*"golden".*$/\1 \2/p')
		icls=${ilog%% *} ilog=${ilog#* }
		[ "$iout" = hang ] && ilog=$(echo "$logits" | sed 's/[-0-9]*/0/g')
		[ "$out" = hang ] || [ "$out" = crash ] && icls=-1
		if [ "$iout" != "$out" ] || [ "$icls" != "$cls" ] || [ "$ilog" != "$logits" ]; then
			differ="$differ; image $img bit $bit cycle $cyc: campaign $out class $cls [$logits], inject $iout class $icls [$ilog]"
		fi
		checked=$((checked + 1))
	done <"$tmp/pick.csv"
	others=$(grep -vc ',masked,' "$tmp/pick.csv")
	if [ -n "$differ" ]; then
		bad "$name" "${differ#; }"
	elif [ "$checked" -lt 20 ] || [ "$others" -lt 5 ]; then
		bad "$name" "only $checked faults re-run ($others not masked): the comparison shows too little"
	elif ! awk -v s="$sa" -v r="$ra" -v d="$drop" -v m="$maxdrop" \
		'BEGIN { e = s - r - d; exit !(d >= 0 && d < m && e < 1e-9 && e > -1e-9) }'; then
		bad "$name" "sa $sa, ra $ra, drop $drop: expected ra = sa - drop, the drop in [0, $maxdrop)"
	else
		ok "$name (sa $sa, ra $ra; $checked faults re-run one by one, $others not masked, all agree)"
	fi
}

# 8x8: a few points at most (docs/campaign.md); the iCEBreaker's core is 70% control
rerun campaign/cnn-8x8-vs-inject models/cnn.rmod sim 2000 50 0.05
rerun campaign/mlp-ice40-vs-inject models/mlp.rmod sim:ice40 600 20 0.15

# The in-process iCEBreaker core and the verilated board design (command processor, batch
# sequencer, gateware scrub) behind rahil-sim: the same fault list, every fault's outcome,
# class, cycles and logits identical. usage: agree NAME MODEL N IMAGES
serve "$RAHIL_SIM" --persist
if [ -z "$pty" ]; then
	bad campaign/sim-vs-board "rahil-sim did not start: $(cat "$tmp/serve.err")"
else
	for model in mlp cnn; do
		name=campaign/$model-ice40-vs-board
		"$RAHIL" campaign -m models/$model.rmod --backend sim:ice40 --sampler uniform --n 500 --images 10 \
			--seed 11 --csv "$tmp/a.csv" --json -q >"$tmp/a.json" 2>"$tmp/a.err"
		r1=$?
		"$RAHIL" campaign -m models/$model.rmod --backend "serial:$pty" --sampler uniform --n 500 --images 10 \
			--seed 11 --csv "$tmp/b.csv" --json -q >"$tmp/b.json" 2>"$tmp/b.err"
		r2=$?
		classes=$(tail -n +2 "$tmp/a.csv" | cut -d, -f7 | sort -u | tr '\n' ' ')
		kinds=$(tail -n +2 "$tmp/a.csv" | cut -d, -f9 | sort | uniq -c | awk '{ printf "%s %s, ", $1, $2 }')
		if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then
			bad "$name" "exit $r1 / $r2: $(cat "$tmp/a.err" "$tmp/b.err")"
		elif [ "$(wc -l <"$tmp/a.csv")" -ne 501 ]; then
			bad "$name" "$(($(wc -l <"$tmp/a.csv") - 1)) injections in the CSV, expected 500"
		elif ! cmp -s "$tmp/a.csv" "$tmp/b.csv"; then
			bad "$name" "results differ: $(diff "$tmp/a.csv" "$tmp/b.csv" | head -n 4 | tr '\n' ' ')"
		elif [ "$(echo "$classes" | wc -w)" -ne 4 ]; then
			bad "$name" "faults hit only the classes $classes"
		else
			ok "$name (500 faults identical on both: ${kinds%, }; classes $classes)"
		fi
	done
fi

# A board whose fault-free run differs from the reference model (one logit off by one, from
# the second image on): the campaign stops with exit 3 and names the image.
name=campaign/golden-mismatch-exit-3
serve "$FAKE_BOARD" models/mlp.rmod 1
if [ -z "$pty" ]; then
	bad $name "the fake board did not start: $(cat "$tmp/serve.err")"
else
	"$RAHIL" campaign -m models/mlp.rmod --backend "serial:$pty" --sampler uniform --n 50 --images 5 --seed 1 \
		-q >"$tmp/g.out" 2>"$tmp/g.err"
	rc=$?
	if [ $rc -ne 3 ]; then
		bad $name "exit $rc, expected 3: $(cat "$tmp/g.err")"
	elif ! grep -q "image 1: the back-end's fault-free run" "$tmp/g.err"; then
		bad $name "the message does not name image 1: $(cat "$tmp/g.err")"
	else
		ok "$name ($(head -n 1 "$tmp/g.err"))"
	fi
fi
# and the same board without the defect passes the check (the fake board itself is right)
name=campaign/fake-board-control
serve "$FAKE_BOARD" models/mlp.rmod -1
if [ -z "$pty" ]; then
	bad $name "the fake board did not start: $(cat "$tmp/serve.err")"
elif ! "$RAHIL" campaign -m models/mlp.rmod --backend "serial:$pty" --sampler uniform --n 50 --images 5 --seed 1 \
	-q >"$tmp/g.out" 2>"$tmp/g.err"; then
	bad $name "exit $?: $(cat "$tmp/g.err")"
else
	ok "$name (no defect planted: the campaign runs to its end)"
fi

# rahil compare on the iCEBreaker's core: RA_True (exact, calibrated by its own campaign of
# another seed) inside the measured drop's interval, so --assert-agree exits 0; with a planted
# calibration that makes every unmodelled cell of every group fail, it must disagree and exit 4.
name=campaign/compare-assert-agree
cmp="compare -m models/mlp.rmod --backend sim:ice40 --n 400 --calib-n 400 --images 20 --pred-n 4000 -q"
# shellcheck disable=SC2086
"$RAHIL" $cmp --assert-agree --json >"$tmp/cmp.json" 2>"$tmp/cmp.err"
st=$?
"$RAHIL" campaign -m models/mlp.rmod --backend sim:ice40 --sampler uniform --n 200 --images 20 --seed 9 -q \
	--calibration-out "$tmp/cal.json" >/dev/null 2>"$tmp/cal.err"
sed -e 's/"fail":.*/"fail": 1,/' -e 's/"ci95_fail":.*/"ci95_fail": [1, 1],/' "$tmp/cal.json" >"$tmp/planted.json"
# shellcheck disable=SC2086
"$RAHIL" $cmp --assert-agree --calibration "$tmp/planted.json" --json >"$tmp/cmp2.json" 2>"$tmp/cmp2.err"
st2=$?
if [ $st -ne 0 ] || ! grep -q '"agree":[[:space:]]*true' "$tmp/cmp.json"; then
	bad $name "exit $st, expected agreement: $(cat "$tmp/cmp.err") $(grep -A8 'RA_True exact' "$tmp/cmp.json" | tr -d '\n\t')"
elif [ $st2 -ne 4 ] || ! grep -q '"agree":[[:space:]]*false' "$tmp/cmp2.json"; then
	bad $name "planted calibration: exit $st2, expected 4: $(cat "$tmp/cmp2.err")"
else
	ok "$name (agrees: exit 0; a planted calibration: exit 4)"
fi

# --first-image F --images K: the evaluation set is test images F .. F + K - 1. Its SA is the
# reference model's accuracy over them (`rahil eval` over the first F + K less the first F);
# the journal's head names F and refuses another; compare calibrates on the K images after
# the compared ones (its JSON above says so).
name=campaign/first-image
c30=$("$RAHIL" eval -m models/cnn.rmod --backend sw --images 30 --json | sed -n 's/.*"correct":[[:space:]]*\([0-9]*\).*/\1/p')
c10=$("$RAHIL" eval -m models/cnn.rmod --backend sw --images 10 --json | sed -n 's/.*"correct":[[:space:]]*\([0-9]*\).*/\1/p')
fi_camp="campaign -m models/cnn.rmod --backend sim --sampler uniform --n 100 --images 20 --first-image 10 -q --json"
# shellcheck disable=SC2086
"$RAHIL" $fi_camp --journal "$tmp/fi.jnl" >"$tmp/fi.json" 2>"$tmp/fi.err"
st=$?
sa=$(json "$tmp/fi.json" sa)
want=$(awk -v a="$c30" -v b="$c10" 'BEGIN { printf "%.6f", (a - b) / 20 }')
# shellcheck disable=SC2086
"$RAHIL" campaign -m models/cnn.rmod --backend sim --sampler uniform --n 100 --images 20 -q --json \
	--journal "$tmp/fi.jnl" >/dev/null 2>"$tmp/fi2.err"
st2=$?
if [ $st -ne 0 ]; then
	bad $name "the campaign failed: $(cat "$tmp/fi.err")"
elif [ "$(awk -v s="$sa" 'BEGIN { printf "%.6f", s }')" != "$want" ]; then
	bad $name "SA over test images 10..29 is $sa; the reference model's is $want ($c30 - $c10 correct of 20)"
elif ! head -1 "$tmp/fi.jnl" | grep -q " first_image=10\$"; then
	bad $name "the journal's head does not name the first image: $(head -1 "$tmp/fi.jnl")"
elif [ $st2 -ne 1 ] || ! grep -q "journal" "$tmp/fi2.err"; then
	bad $name "the journal of images 10.. resumed as images 0..: exit $st2, $(cat "$tmp/fi2.err")"
elif [ "$(json "$tmp/cmp.json" calibration_first_image)" != 20 ]; then
	bad $name "compare calibrated on test images from $(json "$tmp/cmp.json" calibration_first_image), not 20"
else
	ok "$name (SA $sa over test images 10..29)"
fi

# isb with --calibration (its pilot counts unmodelled cells at rates measured on other images):
# the estimate agrees with a uniform campaign of another seed (within 3 standard errors of the
# two), the journal's head names the calibration and refuses another, uniform refuses it.
name=campaign/isb-calibration
cal_camp="campaign -m models/mlp.rmod --backend sim:ice40 --images 20 -q --json"
# shellcheck disable=SC2086
"$RAHIL" $cal_camp --sampler uniform --n 1000 --first-image 20 --seed 4 --calibration-out "$tmp/c1.json" \
	>/dev/null 2>"$tmp/ic.err" &&
	sed -e 's/"fail":[^,]*,/"fail": 0.5,/' "$tmp/c1.json" >"$tmp/c2.json" &&
	"$RAHIL" $cal_camp --sampler isb --n 2000 --seed 5 --calibration "$tmp/c1.json" --journal "$tmp/ic.jnl" \
		>"$tmp/ic.json" 2>>"$tmp/ic.err" &&
	"$RAHIL" $cal_camp --sampler uniform --n 4000 --seed 6 >"$tmp/iu.json" 2>>"$tmp/ic.err"
st=$?
# shellcheck disable=SC2086
"$RAHIL" $cal_camp --sampler isb --n 2000 --seed 5 --calibration "$tmp/c2.json" --journal "$tmp/ic.jnl" \
	>/dev/null 2>"$tmp/ic2.err"
st2=$?
# shellcheck disable=SC2086
"$RAHIL" $cal_camp --sampler uniform --n 100 --calibration "$tmp/c1.json" >/dev/null 2>"$tmp/ic3.err"
st3=$?
# drops and standard errors (95% half-widths / 1.96) of the two campaigns
agree=$(awk -v a="$(json "$tmp/ic.json" drop)" -v b="$(json "$tmp/iu.json" drop)" \
	-v ha="$(sed -n 's/.*"ci95_drop":[[:space:]]*\[\([-0-9.e]*\), \([-0-9.e]*\)\].*/\1 \2/p' "$tmp/ic.json")" \
	-v hb="$(sed -n 's/.*"ci95_drop":[[:space:]]*\[\([-0-9.e]*\), \([-0-9.e]*\)\].*/\1 \2/p' "$tmp/iu.json")" \
	'BEGIN { split(ha, x, " "); split(hb, y, " "); sa = (x[2] - x[1]) / 3.92; sb = (y[2] - y[1]) / 3.92
		d = a - b; print (d * d <= 9 * (sa * sa + sb * sb)) ? "yes" : "no" }')
if [ $st -ne 0 ]; then
	bad $name "a campaign failed: $(cat "$tmp/ic.err")"
elif [ "$agree" != yes ]; then
	bad $name "isb with the calibration measured $(json "$tmp/ic.json" drop), uniform $(json "$tmp/iu.json" drop)"
elif ! head -1 "$tmp/ic.jnl" | grep -q " calib=[0-9a-f]\{8\}\$"; then
	bad $name "the journal's head does not name the calibration: $(head -1 "$tmp/ic.jnl")"
elif [ $st2 -ne 1 ]; then
	bad $name "the journal resumed with another calibration: exit $st2"
elif [ $st3 -ne 1 ] || ! grep -q -- "--calibration" "$tmp/ic3.err"; then
	bad $name "uniform took --calibration: exit $st3, $(cat "$tmp/ic3.err")"
else
	ok "$name (isb $(json "$tmp/ic.json" drop), uniform $(json "$tmp/iu.json" drop))"
fi

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
