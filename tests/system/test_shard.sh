#!/bin/sh
# rahil shard system tests: a campaign run as 3 shards (--shard I/3, one journal each) and put
# back together with rahil merge prints exactly what the unsharded campaign of that seed
# prints (every estimate key, uniform and is); merge refuses a duplicate shard, a missing one,
# an incomplete one and a shard of another seed; a cut shard resumes; a version 2 journal is
# still read. --jobs N gives --jobs 1's estimate and journal, and resumes alike.
# usage: test_shard.sh RAHIL
set -u
RAHIL=${1:-build/rahil}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
echo "declared: 14 tests"
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1: $2"; fail=$((fail + 1)); }
# est FILE: the campaign's identity and estimate from --json output (model .. by_class), without
# what belongs to one run (backend, self-checks, rates) or to the merge (shards, journals)
est() { sed -n '/"self_check"\|"shards"/q; /"backend"/d; p' "$1"; }
# same_est A B: A's and B's estimates are the same text, and hold the estimate (40 lines or more)
same_est() {
	est "$1" >"$tmp/a.est"
	est "$2" >"$tmp/b.est"
	[ "$(wc -l <"$tmp/b.est")" -ge 40 ] && diff "$tmp/a.est" "$tmp/b.est" >"$tmp/diff"
}

camp="campaign -m models/mlp.rmod --backend sim:ice40 --n 300 --images 10 -q --json"

# shards SAMPLER SEED: the whole campaign (whole-SAMPLER.json) and its 3 shards' journals
shards() {
	"$RAHIL" $camp --sampler "$1" --seed "$2" >"$tmp/whole-$1-$2.json" 2>"$tmp/err" || return 1
	for i in 0 1 2; do
		"$RAHIL" $camp --sampler "$1" --seed "$2" --shard $i/3 --journal "$tmp/$1-$2-$i.jnl" \
			>"$tmp/shard.json" 2>"$tmp/err" || return 1
	done
}

for s in uniform is; do
	name="merge_equals_whole_$s"
	if ! shards $s 1; then
		bad $name "a campaign failed: $(cat "$tmp/err")"
	elif ! "$RAHIL" merge --json "$tmp/$s-1-2.jnl" "$tmp/$s-1-0.jnl" "$tmp/$s-1-1.jnl" >"$tmp/m.json" 2>"$tmp/err"; then
		bad $name "merge failed: $(cat "$tmp/err")"
	elif ! same_est "$tmp/whole-$s-1.json" "$tmp/m.json"; then
		bad $name "the merged result differs from the whole campaign's: $(cat "$tmp/diff")"
	else
		ok $name
	fi
done

# refuse NAME PATTERN JOURNAL...: merge must exit 1 with a message matching PATTERN
refuse() {
	name=$1 pat=$2
	shift 2
	"$RAHIL" merge --json "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q "$pat" "$tmp/err"; then
		bad $name "exit $rc, expected 1 with '$pat': $(cat "$tmp/err")"
	else
		ok $name
	fi
}
u="$tmp/uniform-1"
refuse merge_refuses_duplicate "both hold shard 1/3" "$u-0.jnl" "$u-1.jnl" "$u-1.jnl" "$u-2.jnl"
refuse merge_refuses_gap "shard 1/3 .* is missing" "$u-0.jnl" "$u-2.jnl"
if shards uniform 2; then
	refuse merge_refuses_other_seed "different campaigns" "$u-0.jnl" "$tmp/uniform-2-1.jnl" "$u-2.jnl"
else
	bad merge_refuses_other_seed "the seed 2 campaign failed: $(cat "$tmp/err")"
fi
sed '$d' "$u-1.jnl" >"$tmp/short.jnl"
refuse merge_refuses_incomplete "shard 1/3 is incomplete" "$u-0.jnl" "$tmp/short.jnl" "$u-2.jnl"

# A shard stopped half-way resumes from its journal; the merge is still the whole campaign.
name=shard_resumes
head -n 51 "$u-1.jnl" >"$tmp/cut.jnl"
if ! "$RAHIL" $camp --sampler uniform --seed 1 --shard 1/3 --journal "$tmp/cut.jnl" >"$tmp/r.json" 2>"$tmp/err"; then
	bad $name "the resumed shard failed: $(cat "$tmp/err")"
elif ! grep -q '"resumed":[[:space:]]*50,' "$tmp/r.json" || ! cmp -s "$tmp/cut.jnl" "$u-1.jnl"; then
	bad $name "the resumed shard's journal differs from the uninterrupted one's"
else
	ok $name
fi

# --shard's checks.
name=shard_options
"$RAHIL" $camp --sampler uniform --shard 0/3 >/dev/null 2>"$tmp/e1"
r1=$?
"$RAHIL" $camp --sampler uniform --shard 3/3 --journal "$tmp/x.jnl" >/dev/null 2>"$tmp/e2"
r2=$?
"$RAHIL" $camp --sampler uniform --n 2 --shard 0/3 --journal "$tmp/x.jnl" >/dev/null 2>"$tmp/e3"
r3=$?
"$RAHIL" $camp --sampler uniform --rel-ci 0.2 --shard 0/3 --journal "$tmp/x.jnl" >/dev/null 2>"$tmp/e4"
r4=$?
if [ $r1 -ne 1 ] || ! grep -q -- "--shard needs --journal" "$tmp/e1" || [ $r2 -ne 1 ] ||
	! grep -q -- "--shard wants I/N" "$tmp/e2" || [ $r3 -ne 1 ] || ! grep -q "more shards" "$tmp/e3" ||
	[ $r4 -ne 1 ] || ! grep -q "precision target" "$tmp/e4"; then
	bad $name "exits $r1 $r2 $r3 $r4: $(cat "$tmp/e1" "$tmp/e2" "$tmp/e3" "$tmp/e4")"
else
	ok $name
fi

# A version 2 journal (no shard in its head) resumes as the whole campaign and merges alone.
name=journal_v2_read
"$RAHIL" $camp --sampler uniform --journal "$tmp/v3.jnl" >/dev/null 2>"$tmp/err"
sed '1s/^rahil-journal 3 \(.*\) shard=0\/1$/rahil-journal 2 \1/' "$tmp/v3.jnl" >"$tmp/v2.jnl"
if ! head -n 1 "$tmp/v2.jnl" | grep -q '^rahil-journal 2 .*ffmap=[0-9a-f]*$'; then
	bad $name "no version 2 head: $(head -n 1 "$tmp/v2.jnl")"
elif ! "$RAHIL" $camp --sampler uniform --journal "$tmp/v2.jnl" >"$tmp/v2.json" 2>"$tmp/err" ||
	! grep -q '"resumed":[[:space:]]*300,' "$tmp/v2.json"; then
	bad $name "the version 2 journal did not resume: $(cat "$tmp/err")"
elif ! "$RAHIL" merge --json "$tmp/v2.jnl" >"$tmp/m2.json" 2>"$tmp/err" ||
	! same_est "$tmp/whole-uniform-1.json" "$tmp/m2.json"; then
	bad $name "merge of the version 2 journal: $(cat "$tmp/err")"
else
	ok $name
fi

# --jobs N runs N simulators side by side and takes their batches in the campaign's order: the
# estimate and the journal are --jobs 1's, byte for byte, on both geometries, with a sampler
# that weighs and a precision target that stops between rounds (the batches in flight past it
# are dropped); a journal cut short resumes under --jobs 3 to the uninterrupted one's bytes.
# jobs NAME BACKEND MODEL ARGS...: --jobs 1 and --jobs 3, each with its own journal
jobs() {
	name=$1 be=$2 mdl=$3
	shift 3
	for j in 1 3; do
		"$RAHIL" campaign -m "$mdl" --backend "$be" -q --json --jobs $j --journal "$tmp/$name-$j.jnl" "$@" \
			>"$tmp/$name-$j.json" 2>"$tmp/err" || { bad $name "--jobs $j failed: $(cat "$tmp/err")"; return; }
	done
	if ! same_est "$tmp/$name-1.json" "$tmp/$name-3.json"; then
		bad $name "--jobs 3's estimate differs from --jobs 1's: $(cat "$tmp/diff")"
	elif ! cmp -s "$tmp/$name-1.jnl" "$tmp/$name-3.jnl"; then
		bad $name "--jobs 3's journal differs from --jobs 1's"
	else
		ok $name
	fi
}
jobs jobs_equal_one_isb_target sim:ice40 models/mlp.rmod --sampler isb --n 3000 --rel-ci 0.5 --images 10
jobs jobs_equal_one_cnn_8x8 sim models/cnn.rmod --sampler uniform --n 240 --images 8
name=jobs_resume
head -n 101 "$tmp/jobs_equal_one_isb_target-1.jnl" >"$tmp/cut3.jnl"
if ! "$RAHIL" campaign -m models/mlp.rmod --backend sim:ice40 -q --json --jobs 3 --journal "$tmp/cut3.jnl" \
	--sampler isb --n 3000 --rel-ci 0.5 --images 10 >"$tmp/r3.json" 2>"$tmp/err"; then
	bad $name "the resumed campaign failed: $(cat "$tmp/err")"
elif ! cmp -s "$tmp/cut3.jnl" "$tmp/jobs_equal_one_isb_target-1.jnl" ||
	! same_est "$tmp/jobs_equal_one_isb_target-1.json" "$tmp/r3.json"; then
	bad $name "the resumed campaign's journal or estimate differs from the uninterrupted one's"
else
	ok $name
fi
name=jobs_refuses_board
"$RAHIL" campaign -m models/mlp.rmod --backend serial:/dev/null --sampler uniform --n 10 --jobs 2 >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -ne 1 ] || ! grep -q -- "--jobs 2: only the simulator" "$tmp/err"; then
	bad $name "exit $rc: $(cat "$tmp/err")"
else
	ok $name
fi

# merge's own checks: the model must be the journals'.
name=merge_refuses_other_model
"$RAHIL" merge -m models/cnn.rmod "$u-0.jnl" "$u-1.jnl" "$u-2.jnl" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -ne 1 ] || ! grep -q "the journals are of model mlp" "$tmp/err"; then
	bad $name "exit $rc: $(cat "$tmp/err")"
else
	ok $name
fi

echo "$pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
