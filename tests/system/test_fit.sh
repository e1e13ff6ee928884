#!/bin/sh
# rahil FIT-rate tests (--fit CLASS=RATE, docs/fault-model.md section 2): P strikes a bit in
# proportion to its class's raw FIT rate. Each check holds the weighted result to something the
# weighting code does not compute:
# - a uniform campaign's draws follow the class shares counted from the build's FF-map TSV
#   (a chi-square test), on the iCEBreaker set and on 8 x 8;
# - a weighted campaign (uniform and is) agrees with the class mixture of an unweighted
#   campaign's per-class drops (MLP on sim:ice40, CNN on 8 x 8);
# - the predictor's exhaustive sum with --fit equals the mixture of its unweighted per-class
#   sums, and its sampled estimates (uniform, is; true and true-nc) cover that exact value;
# - equal rates change nothing; the journal records the rates and refuses others; bad --fit
#   values are refused naming the option.
# usage: test_fit.sh RAHIL [BUILD_DIR]
set -u
RAHIL=${1:-build/rahil}
BUILD=${2:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
echo "declared: 11 tests"
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1: $2"; fail=$((fail + 1)); }

# jget FILE KEY: a top-level number of rahil's --json output; jpair FILE KEY: an interval "lo hi"
jget() { awk -F'\t' -v k="\"$2\":" '$2 == k { sub(/,$/, "", $3); print $3; exit }' "$1"; }
jpair() { awk -F'\t' -v k="\"$2\":" '$2 == k { gsub(/[][,]/, " ", $3); print $3; exit }' "$1"; }
# jsub FILE OBJECT KEY: a number inside a top-level object
jsub() {
	awk -F'\t' -v o="\"$2\":" -v k="\"$3\":" '$2 == o { on = 1; next } on && $2 == "}" { exit }
		on && $3 == k { sub(/,$/, "", $4); print $4; exit }' "$1"
}
# bits TSV: the chain bits of each class, "input_act weight output_act control"
bits() { awk -F'\t' 'NR > 1 { n[$4]++ } END { print n["input_act"] + 0, n["weight"] + 0, n["output_act"] + 0, n["control"] + 0 }' "$1"; }

for f in "$BUILD/ffmap_ice40.tsv" "$BUILD/ffmap_sim.tsv"; do
	[ -s "$f" ] || { echo "FAIL  setup: $f is missing (make build/rahil writes it)"; exit 1; }
done

# --- bad values
name=fit_refuses_bad_values
msg=""
for v in control=-1 ctrl=1 control control=abc control=2e9 "weight=1,"; do
	"$RAHIL" campaign -m models/mlp.rmod --backend sim:ice40 --sampler uniform --n 10 --fit "$v" -q \
		>/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q -- "--fit" "$tmp/err"; then
		msg="$msg --fit '$v': exit $rc, $(cat "$tmp/err");"
	fi
done
"$RAHIL" predict -m models/mlp.rmod --formulation sw --fit control=0.5 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q -- "--fit" "$tmp/err" || msg="$msg predict --formulation sw --fit: exit $rc, $(cat "$tmp/err");"
if [ -z "$msg" ]; then ok $name; else bad $name "$msg"; fi

# --- equal rates are the default distribution: the same draws, the same estimate
name=fit_equal_rates_change_nothing
c="campaign -m models/mlp.rmod --backend sim:ice40 --n 400 --images 10 --sampler is --json -q"
"$RAHIL" $c >"$tmp/a.json" 2>"$tmp/err" &&
	"$RAHIL" $c --fit input_act=2,weight=2 --fit output_act=2,control=2 >"$tmp/b.json" 2>>"$tmp/err"
if [ $? -ne 0 ]; then
	bad $name "a campaign failed: $(cat "$tmp/err")"
elif diff "$tmp/a.json" "$tmp/b.json" | grep -v injections_per_s | grep "^[<>]" >"$tmp/diff"; then
	bad $name "equal rates changed the result: $(cat "$tmp/diff")"
elif grep -q '"fit"' "$tmp/b.json"; then
	bad $name "equal rates are reported as FIT rates"
else
	ok $name
fi

# draws NAME BACKEND TSV: a uniform campaign with control=0, weight=4 strikes each class in
# proportion to bits x rate (chi-square with 2 degrees of freedom below 13.8, p = 0.001)
draws() {
	name=$1
	if ! "$RAHIL" campaign -m models/mlp.rmod --backend "$2" --sampler uniform --n 3000 --images 10 --seed 5 \
		--fit control=0,weight=4 -q --csv "$tmp/d.csv" >/dev/null 2>"$tmp/err"; then
		bad $name "the campaign failed: $(cat "$tmp/err")"
		return
	fi
	set -- $(bits "$3")
	res=$(awk -F, -v a="$1" -v w="$2" -v o="$3" 'NR > 1 { n[$7]++; t++ }
		END { s = a + 4 * w + o; e["input_act"] = t * a / s; e["weight"] = t * 4 * w / s; e["output_act"] = t * o / s
			for (c in e) x += (n[c] - e[c]) ^ 2 / e[c]
			printf "%d %.2f", n["control"] + 0, x }' "$tmp/d.csv")
	set -- $res
	if [ "$1" -ne 0 ]; then
		bad $name "$1 injections struck control flip-flops at rate 0"
	elif awk -v x="$2" 'BEGIN { exit !(x > 13.8) }'; then
		bad $name "class counts against bits x rate: chi-square $2 > 13.8"
	else
		ok "$name (chi-square $2)"
	fi
}
draws fit_uniform_draws_ice40 sim:ice40 "$BUILD/ffmap_ice40.tsv"
draws fit_uniform_draws_8x8 sim "$BUILD/ffmap_sim.tsv"

# mixture NAME MODEL BACKEND TSV FIT R_IN R_W R_OUT R_CTL: an unweighted uniform campaign's
# drop per class, mixed by bits x rate, against uniform and is campaigns with --fit FIT (each
# within 3 standard errors of the two combined)
mixture() {
	name=$1 model=$2 be=$3 tsv=$4 fit=$5
	shift 5
	rates="$*"
	c="campaign -m $model --backend $be --n 6000 --images 20 -q --json"
	if ! "$RAHIL" $c --sampler uniform --seed 7 --csv "$tmp/u.csv" >/dev/null 2>"$tmp/err"; then
		bad $name "the unweighted campaign failed: $(cat "$tmp/err")"
		return
	fi
	# the mixture and its standard error: per class the mean drop and its variance
	mix=$(awk -F, -v r="$rates" -v b="$(bits "$tsv")" 'BEGIN { split(r, R, " "); split(b, B, " ")
			c["input_act"] = 1; c["weight"] = 2; c["output_act"] = 3; c["control"] = 4 }
		NR > 1 { k = c[$7]; d = ($11 == $3) - $12; n[k]++; s[k] += d; q[k] += d * d }
		END { for (k = 1; k <= 4; k++) z += B[k] * R[k]
			for (k = 1; k <= 4; k++) { p = B[k] * R[k] / z; if (p == 0) continue
				m = s[k] / n[k]; v = (q[k] / n[k] - m * m) / n[k]; mean += p * m; var += p * p * v }
			printf "%.8f %.8f", mean, sqrt(var) }' "$tmp/u.csv")
	set -- $mix
	want=$1 se_want=$2 msg=""
	for s in uniform is; do
		if ! "$RAHIL" $c --sampler $s --seed 8 --fit "$fit" >"$tmp/f.json" 2>"$tmp/err"; then
			msg="$msg $s failed: $(cat "$tmp/err");"
			continue
		fi
		got=$(jget "$tmp/f.json" drop)
		set -- $(jpair "$tmp/f.json" ci95_drop)
		if ! awk -v g="$got" -v lo="$1" -v hi="$2" -v w="$want" -v sw="$se_want" \
			'BEGIN { se = (hi - lo) / (2 * 1.96); d = g - w; exit !(d * d <= 9 * (se * se + sw * sw)) }'; then
			msg="$msg $s: drop $got [$1, $2], the mixture $want (se $se_want);"
		fi
		summary="$summary $s $got"
	done
	if [ -z "$msg" ]; then ok "$name (mixture $want:$summary)"; else bad $name "$msg"; fi
	summary=""
}
summary=""
mixture fit_campaign_mixture_mlp_ice40 models/mlp.rmod sim:ice40 "$BUILD/ffmap_ice40.tsv" \
	control=0.333,weight=3 1 3 1 0.333
mixture fit_campaign_mixture_cnn_8x8 models/cnn.rmod sim "$BUILD/ffmap_sim.tsv" \
	control=3,input_act=0.5 0.5 1 1 3

# --- the predictor: exhaustive on one image of sim:ice40 (3.8e7 cells)
p="predict -m models/mlp.rmod --backend sim:ice40 --images 1 --json"
pfit=input_act=2,weight=3,control=0.25
name=fit_exhaustive_is_the_class_mixture
if ! "$RAHIL" $p --formulation true --exhaustive >"$tmp/e0.json" 2>"$tmp/err" ||
	! "$RAHIL" $p --formulation true --exhaustive --fit $pfit >"$tmp/e1.json" 2>>"$tmp/err"; then
	bad $name "predict failed: $(cat "$tmp/err")"
else
	set -- $(bits "$BUILD/ffmap_ice40.tsv")
	want=$(awk -v a="$1" -v w="$2" -v o="$3" -v k="$4" -v da="$(jsub "$tmp/e0.json" class_drop input_act)" \
		-v dw="$(jsub "$tmp/e0.json" class_drop weight)" -v do_="$(jsub "$tmp/e0.json" class_drop output_act)" \
		-v dc="$(jsub "$tmp/e0.json" class_drop control)" 'BEGIN { t = a + w + o + k; z = 2 * a + 3 * w + o + 0.25 * k
		# class_drop: the class cells share of the drop (over all cells); the class alone: x t / bits;
		# mixed by bits x rate / z: rate x class_drop x t / z
		printf "%.12f", (2 * da + 3 * dw + do_ + 0.25 * dc) * t / z }')
	got=$(jget "$tmp/e1.json" drop)
	if awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; exit !(d * d <= 1e-18 + 1e-16 * w * w) }'; then
		ok "$name ($got)"
	else
		bad $name "exhaustive with --fit $got, the mixture of the unweighted classes $want"
	fi
fi

# covers NAME FORM: sampled predictions with --fit (uniform and is, 10 seeds each) cover the
# exhaustive value in at least 8 of 10 95% intervals
covers() {
	name=$1 form=$2
	if ! "$RAHIL" $p --formulation "$form" --exhaustive --fit $pfit >"$tmp/ex.json" 2>"$tmp/err"; then
		bad $name "exhaustive failed: $(cat "$tmp/err")"
		return
	fi
	exact=$(jget "$tmp/ex.json" drop) msg="" line=""
	for s in uniform is; do
		k=0
		for seed in 1 2 3 4 5 6 7 8 9 10; do
			"$RAHIL" $p --formulation "$form" --sampler $s --n 4000 --seed $seed --fit $pfit >"$tmp/s.json" \
				2>"$tmp/err" || { msg="$msg $s seed $seed failed: $(cat "$tmp/err");"; continue; }
			set -- $(jpair "$tmp/s.json" ci95_drop)
			awk -v lo="$1" -v hi="$2" -v x="$exact" 'BEGIN { exit !(lo <= x && x <= hi) }' && k=$((k + 1))
		done
		[ $k -ge 8 ] || msg="$msg $s: $k of 10 intervals hold the exact $exact;"
		line="$line $s $k/10"
	done
	if [ -z "$msg" ]; then ok "$name (exact $exact:$line)"; else bad $name "$msg"; fi
}
covers fit_sampled_cover_exact_true true
covers fit_sampled_cover_exact_true_nc true-nc

# --- the journal: the rates in its head; another --fit is refused; shards of two rates don't merge
name=fit_journal_records_rates
c="campaign -m models/mlp.rmod --backend sim:ice40 --sampler isb --n 300 --images 10 -q --json"
if ! "$RAHIL" $c --fit control=0.5 --journal "$tmp/j1" >"$tmp/j1.json" 2>"$tmp/err"; then
	bad $name "the campaign failed: $(cat "$tmp/err")"
elif ! head -1 "$tmp/j1" | grep -q " fit=input_act=1,weight=1,output_act=1,control=0.5$"; then
	bad $name "the head does not name the rates: $(head -1 "$tmp/j1")"
elif "$RAHIL" $c --fit control=0.4 --journal "$tmp/j1" >/dev/null 2>"$tmp/err"; then
	bad $name "a journal of control=0.5 resumed with control=0.4"
elif "$RAHIL" $c --journal "$tmp/j1" >/dev/null 2>"$tmp/err"; then
	bad $name "a journal of control=0.5 resumed without --fit"
elif ! "$RAHIL" $c --fit control=0.5 --journal "$tmp/j1" >"$tmp/j2.json" 2>"$tmp/err"; then
	bad $name "the same command did not resume: $(cat "$tmp/err")"
elif [ "$(jget "$tmp/j2.json" drop)" != "$(jget "$tmp/j1.json" drop)" ]; then
	bad $name "the resumed campaign's drop differs"
else
	ok $name
fi

name=fit_merge_refuses_other_rates
c="campaign -m models/mlp.rmod --backend sim:ice40 --sampler uniform --n 200 --images 10 -q --json"
"$RAHIL" $c --fit weight=2 --shard 0/2 --journal "$tmp/s0" >/dev/null 2>"$tmp/err" &&
	"$RAHIL" $c --fit weight=2 --shard 1/2 --journal "$tmp/s1" >/dev/null 2>>"$tmp/err" &&
	"$RAHIL" $c --fit weight=3 --shard 1/2 --journal "$tmp/s1x" >/dev/null 2>>"$tmp/err" &&
	"$RAHIL" $c --fit weight=2 >"$tmp/whole.json" 2>>"$tmp/err"
if [ $? -ne 0 ]; then
	bad $name "a campaign failed: $(cat "$tmp/err")"
elif ! "$RAHIL" merge --json "$tmp/s0" "$tmp/s1" >"$tmp/m.json" 2>"$tmp/err"; then
	bad $name "the shards of one campaign did not merge: $(cat "$tmp/err")"
elif [ "$(jget "$tmp/m.json" drop)" != "$(jget "$tmp/whole.json" drop)" ] || ! grep -q '"fit"' "$tmp/m.json"; then
	bad $name "the merge's drop $(jget "$tmp/m.json" drop) is not the whole's $(jget "$tmp/whole.json" drop), or it has no fit"
elif "$RAHIL" merge --json "$tmp/s0" "$tmp/s1x" >/dev/null 2>"$tmp/err" || ! grep -q "different campaigns" "$tmp/err"; then
	bad $name "shards of weight=2 and weight=3 merged: $(cat "$tmp/err")"
else
	ok $name
fi

echo "$pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
