#!/bin/sh
# rahil: gen_ffmap.sh must refuse FF maps that do not tile the chain (gap, overlap, wrong total).
set -u
gen=${1:-verilator/gen_ffmap.sh}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fake() { # print a fake ffmap tool that emits the given lines
	printf '#!/bin/sh\ncat <<X\n%s\nX\n' "$1" >"$dir/tool"
	chmod +x "$dir/tool"
}
fail=0
check() { # expect status, lines, what
	fake "$2"
	"$gen" "$dir/tool" 1 1 "$dir/m.tsv" "$dir/m.c" rh_ffmap_test >/dev/null 2>&1
	st=$?
	if [ "$1" = ok ] && [ $st -ne 0 ]; then echo "FAIL ffmap selftest: $3 rejected"; fail=1; fi
	if [ "$1" = bad ] && [ $st -eq 0 ]; then echo "FAIL ffmap selftest: $3 accepted"; fail=1; fi
}
check ok "FFMAP 0 8 0 TOP.a
FFMAP 8 4 3 TOP.b
CHAIN 12" "a correct map"
check bad "FFMAP 0 8 0 TOP.a
FFMAP 9 3 3 TOP.b
CHAIN 12" "a gap"
check bad "FFMAP 0 8 0 TOP.a
FFMAP 7 5 3 TOP.b
CHAIN 12" "an overlap"
check bad "FFMAP 0 8 0 TOP.a
FFMAP 8 4 3 TOP.b
CHAIN 13" "a register missing from the map"
[ $fail -eq 0 ] && echo "ok: gen_ffmap.sh rejects gaps, overlaps and short maps"
exit $fail
