#!/bin/sh
# rahil: check that every host layer includes only its own headers and those of the layers it
# may call (docs/architecture.md, "Host layers"), and that host/ holds no source outside a
# layer's folder. Part of `make lint`. Prints each breach; exits 1 when there is one.
set -eu
cd "$(dirname "$0")/.."

# layer: the layers it may include (verilator: the simulator's C API and the board simulator)
may() {
	case "$1" in
	core) echo "" ;;
	data) echo "core" ;;
	nn) echo "data core" ;;
	accel) echo "nn data core" ;;
	link) echo "accel data core verilator" ;;
	backend) echo "link accel nn data core verilator" ;;
	predict) echo "accel nn data core" ;;
	campaign) echo "backend predict link accel nn data core" ;;
	report) echo "campaign predict backend accel nn data core" ;;
	cli) echo "campaign report predict backend link accel nn data core verilator" ;;
	*) echo "?" ;;
	esac
}

bad=0
for f in host/*.c host/*.h; do
	[ -e "$f" ] || continue
	echo "check-layers: $f is outside every layer's folder"
	bad=1
done
for dir in host/*/; do
	layer=$(basename "$dir")
	allowed=$(may "$layer")
	if [ "$allowed" = "?" ]; then
		echo "check-layers: host/$layer is not a layer of docs/architecture.md"
		bad=1
		continue
	fi
	for f in "$dir"*.c "$dir"*.h; do
		[ -e "$f" ] || continue
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			[ -e "$dir$h" ] && continue
			owner=""
			for cand in host/*/"$h" verilator/"$h"; do
				if [ -e "$cand" ]; then
					owner=$(basename "$(dirname "$cand")")
					break
				fi
			done
			case "$h" in *.def) continue ;; esac
			if [ -z "$owner" ]; then
				echo "check-layers: $f includes \"$h\", which no layer owns"
				bad=1
			elif ! echo " $allowed " | grep -q " $owner "; then
				echo "check-layers: $f ($layer) includes \"$h\" of $owner, which $layer may not call"
				bad=1
			fi
		done
	done
done
[ "$bad" = 0 ] && echo "ok: every host layer includes only the layers it may call"
exit "$bad"
