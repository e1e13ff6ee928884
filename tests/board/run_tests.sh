#!/bin/sh
# rahil: runs the board-path test programs and sums their "N passed, N failed, N skipped"
# lines into one. Usage: run_tests.sh NAME=COMMAND... (a command without such a line counts
# as one test, by its exit status). Exit 1 when anything failed.
set -u
pass=0 fail=0 skip=0
log=$(mktemp)
for arg in "$@"; do
	name=${arg%%=*}
	cmd=${arg#*=}
	echo "== $name"
	sh -c "$cmd" >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		set -- $line
		pass=$((pass + $1)) fail=$((fail + $3)) skip=$((skip + $5))
		if [ "$rc" != 0 ] && [ "$3" = 0 ]; then
			echo "FAIL $name: exit status $rc"
			fail=$((fail + 1))
		fi
	elif [ "$rc" = 0 ]; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: exit status $rc"
		fail=$((fail + 1))
	fi
done
rm -f "$log"
echo "total: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
