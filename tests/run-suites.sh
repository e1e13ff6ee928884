#!/bin/sh
# rahil: run test suites one after another, keep going after a failure, and end with the
# totals of every suite's "N passed, N failed, N skipped" line.
# usage: run-suites.sh NAME COMMAND [NAME COMMAND ...]
set -u
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0 skip=0 bad=""
while [ $# -ge 2 ]; do
	name=$1 cmd=$2
	shift 2
	echo "=== $name: $cmd"
	sh -c "$cmd" >"$log" 2>&1
	rc=$?
	cat "$log"
	# Sum every summary line of the suite (a suite may run several runners), unless its last
	# line is already the total of the ones before it.
	counts=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed, \([0-9][0-9]*\) skipped$/\1 \2 \3/p' "$log" |
		awk '{ p += $1; f += $2; s += $3; lp = $1; lf = $2; ls = $3 }
		END {
			if (NR > 1 && p - lp == lp && f - lf == lf && s - ls == ls) { p = lp; f = lf; s = ls }
			print p + 0, f + 0, s + 0, NR
		}')
	set -- $counts "$@"
	p=$1 f=$2 s=$3 n=$4
	shift 4
	# A suite that failed outside its runners (build, lint, formal) counts as one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	[ "$rc" -ne 0 ] && bad="$bad $name"
	[ "$n" -eq 0 ] && [ "$rc" -eq 0 ] && p=$((p + 1))
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	echo "=== $name: exit $rc ($p passed, $f failed, $s skipped)"
done
[ -n "$bad" ] && echo "failed suites:$bad"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ -z "$bad" ]
