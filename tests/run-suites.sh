#!/bin/sh
# rahil: run test suites one after another, keep going after a failure, print how long each
# took and end with the totals of every suite's "N passed, N failed, N skipped" line. A runner
# that declares more or fewer tests ("declared: N tests") than it reports counts as a failure
# of its suite.
# usage: run-suites.sh NAME COMMAND [NAME COMMAND ...]
set -u
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0 skip=0 bad="" times=""
while [ $# -ge 2 ]; do
	name=$1 cmd=$2
	shift 2
	echo "=== $name: $cmd"
	start=$(date +%s)
	sh -c "$cmd" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	cat "$log"
	# A suite's own "total: N passed, ..." line counts alone; otherwise every summary line of
	# the suite is summed (a suite may run several runners).
	if grep -Eq '^total: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log"; then
		counts=$(grep -E '^total: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1 |
			sed 's/^total: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3 1/')
	else
		counts=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed, \([0-9][0-9]*\) skipped$/\1 \2 \3/p' "$log" |
			awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0, NR }')
	fi
	set -- $counts "$@"
	p=$1 f=$2 s=$3 n=$4
	shift 4
	# A runner first prints "declared: N tests" (from its table), then its tests, then its
	# "N passed, N failed, N skipped" line: a declaration whose next summary line does not add
	# up to N, or that no summary line follows before the next declaration, is one failure.
	short=$(awk '
		function check(got) {
			if (want != "" && got != want)
				printf "declared %d tests, reported %s\n", want, got == "" ? "no summary" : got
			want = ""
		}
		/^declared: [0-9]+ tests$/ { check(""); want = $2 + 0; next }
		/^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ { check($1 + $3 + $5) }
		END { check("") }' "$log")
	if [ -n "$short" ]; then
		echo "$short" | sed "s/^/FAIL  $name: a runner /"
		f=$((f + $(echo "$short" | wc -l)))
	fi
	# A suite that failed outside its runners (build, lint, formal) counts as one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	{ [ "$rc" -ne 0 ] || [ -n "$short" ]; } && bad="$bad $name"
	[ "$n" -eq 0 ] && [ "$rc" -eq 0 ] && p=$((p + 1))
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	echo "=== $name: exit $rc ($p passed, $f failed, $s skipped) in $took s"
	times="$times $name=${took}s"
done
echo "suite times:$times"
[ -n "$bad" ] && echo "failed suites:$bad"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ -z "$bad" ]
