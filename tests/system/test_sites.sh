#!/bin/sh
# rahil sites --measure tests: the liveness harness (a flipped cell run beside the golden run on
# the simulator, compared after every clock) held to the ordinary injection path. A cell whose
# flip it saw die out before any memory word differed (not stored) left nothing behind: injected
# on its own through `rahil inject` (the scan chain's rotation, a run to the end) it must come out
# masked, logits and cycles the golden run's. Both networks, the iCEBreaker set and 8 x 8. Also
# the JSON's keys and counts, and the refusals.
# usage: test_sites.sh RAHIL
set -u
RAHIL=${1:-build/rahil}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
echo "declared: 4 tests"
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1: $2"; fail=$((fail + 1)); }

# dead NAME MODEL BACKEND CELLS: every cell of --measure CELLS (2 images) that stored nothing is
# masked alone
dead() {
	name=$1 model=$2 be=$3 n=$4
	if ! "$RAHIL" sites -m "$model" --backend "$be" --images 2 --measure "$n" --seed 7 -q --csv "$tmp/c.csv" \
		--json >"$tmp/s.json" 2>"$tmp/err"; then
		bad $name "sites --measure failed: $(cat "$tmp/err")"
		return
	fi
	k=0 live=0 msg=""
	while IFS=, read -r image bit ff idx cls cycle layer lv stored undecided; do
		[ "$image" = image ] && continue
		if [ "$stored" != 0 ] || [ "$undecided" != 0 ]; then
			live=$((live + 1))
			continue
		fi
		k=$((k + 1))
		"$RAHIL" inject -m "$model" --backend "$be" --image "$image" --bit "$bit" --cycle "$cycle" --json \
			>"$tmp/i.json" 2>"$tmp/err" || { msg="$msg inject $image/$bit/$cycle failed: $(cat "$tmp/err");"; continue; }
		grep -q '"outcome":[[:space:]]*"masked"' "$tmp/i.json" ||
			msg="$msg $ff:$idx ($cls, live $lv) at cycle $cycle of image $image: stored nothing, but $(grep '"outcome"' "$tmp/i.json" | tr -d '\t,');"
	done <"$tmp/c.csv"
	if [ -n "$msg" ]; then
		bad $name "$msg"
	elif [ $k -lt 5 ] || [ $live -lt 5 ]; then
		bad $name "$k cells that stored nothing and $live that did, of $n: too few of either to test"
	else
		ok "$name ($k cells that stored nothing all masked; $live stored)"
	fi
}
dead sites_measure_dead_is_masked_mlp_ice40 models/mlp.rmod sim:ice40 60
dead sites_measure_dead_is_masked_cnn_8x8 models/cnn.rmod sim 60

# the JSON: the comparison's keys, the cells counted once each, each fraction inside its interval
# (measured.layers' entries sit four tabs deep in cJSON's output)
name=sites_measure_json
"$RAHIL" sites -m models/cnn.rmod --backend sim:ice40 --images 1 --measure 40 -q --json >"$tmp/s.json" 2>"$tmp/err"
st=$?
missing=""
for k in pearson_r_exact max_rel_err_exact pearson_r_analytic max_rel_err_analytic measured exact_inside \
	stored_fraction; do
	grep -q "\"$k\":" "$tmp/s.json" || missing="$missing $k"
done
sum=$(awk -F'\t' '$5 == "\"n\":" { sub(/,$/, "", $6); s += $6 } END { print s + 0 }' "$tmp/s.json")
# (and a flip that reached memory reached another class: stored <= live)
badci=$(awk -F'\t' '$5 == "\"fraction\":" { sub(/,$/, "", $6); f = $6 }
	$5 == "\"ci95\":" { gsub(/[][,]/, " ", $6); split($6, c, " "); if (f < c[1] || f > c[2]) bad++ }
	$5 == "\"stored_fraction\":" { sub(/,$/, "", $6); if ($6 > f) bad++; sf = $6 }
	$5 == "\"stored_ci95\":" { gsub(/[][,]/, " ", $6); split($6, c, " "); if (sf < c[1] || sf > c[2]) bad++ }
	END { print bad + 0 }' "$tmp/s.json")
if [ $st -ne 0 ]; then
	bad $name "exit $st: $(cat "$tmp/err")"
elif [ -n "$missing" ]; then
	bad $name "no$missing in the JSON"
elif [ "$sum" -ne 40 ]; then
	bad $name "the (layer, class) rows count $sum cells, not 40"
elif [ "$badci" -ne 0 ]; then
	bad $name "$badci fractions outside their own interval, or stored above live"
else
	ok $name
fi

name=sites_measure_refusals
msg=""
"$RAHIL" sites -m models/mlp.rmod --backend sw --measure 10 >/dev/null 2>"$tmp/err" && msg="$msg sw accepted;"
"$RAHIL" sites -m models/mlp.rmod --csv "$tmp/x.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q -- "--measure" "$tmp/err" || msg="$msg --csv without --measure: $(cat "$tmp/err");"
"$RAHIL" sites -m models/mlp.rmod --measure 0 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q -- "--measure" "$tmp/err" || msg="$msg --measure 0: $(cat "$tmp/err");"
if [ -z "$msg" ]; then ok $name; else bad $name "$msg"; fi

echo "$pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
