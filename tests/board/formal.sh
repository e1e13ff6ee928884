#!/bin/sh
# rahil: bounded formal check of one gateware module with yosys + yosys-smtbmc (z3), the
# flow SymbiYosys would run, driven directly since Debian 12 does not package symbiyosys.
# Usage: formal.sh TOP DEPTH OUTDIR FILE... [-- CHPARAM...]  (CHPARAM as NAME=VALUE)
# NOCOVER="mod ..." drops the covers of those submodules (a wrapper may make them unreachable).
# INDUCT=K adds K-step temporal induction: with the BMC (DEPTH >= K) as its base case, the
# assertions then hold in every reachable state, not only the first DEPTH steps.
# Runs the assertions (BMC to DEPTH steps) and every cover; exit 0 only when all hold and all
# covers are reached.
set -eu
top=$1 depth=$2 out=$3
shift 3
files= params=
while [ $# -gt 0 ]; do
	if [ "$1" = "--" ]; then shift; params="$*"; break; fi
	files="$files $1"; shift
done
mkdir -p "$out"
chp=
for p in $params; do chp="$chp chparam -set ${p%%=*} ${p#*=} $top;"; done
here=$(dirname "$0")
fw=$here/../../firmware
yosys -q -l "$out/$top.yosys.log" -p "read_verilog -formal -DFORMAL -I$fw $files; $chp
	prep -top $top; ${NOCOVER:+chformal -cover -remove $NOCOVER;} memory_map; async2sync; dffunmap;
	write_smt2 -wires $out/$top.smt2"
if ! yosys-smtbmc -s z3 --unroll -t "$depth" --dump-vcd "$out/$top.bmc.vcd" "$out/$top.smt2" \
	>"$out/$top.bmc.log" 2>&1; then
	tail -n 20 "$out/$top.bmc.log"
	echo "formal: $top: assertion failed (trace: $out/$top.bmc.vcd)"
	exit 1
fi
if [ -n "${INDUCT:-}" ]; then
	if ! yosys-smtbmc -s z3 --unroll -i -t "$INDUCT" --dump-vcd "$out/$top.induct.vcd" "$out/$top.smt2" \
		>"$out/$top.induct.log" 2>&1; then
		tail -n 20 "$out/$top.induct.log"
		echo "formal: $top: induction at depth $INDUCT failed (trace: $out/$top.induct.vcd)"
		exit 1
	fi
fi
if ! yosys-smtbmc -s z3 --unroll -c -t "$depth" --dump-vcd "$out/$top.cover.vcd" "$out/$top.smt2" \
	>"$out/$top.cover.log" 2>&1; then
	tail -n 20 "$out/$top.cover.log"
	echo "formal: $top: a cover was not reached within $depth steps"
	exit 1
fi
if [ -n "${INDUCT:-}" ]; then
	echo "formal: $top: assertions proven (BMC $depth steps + $INDUCT-induction), all covers reached"
else
	echo "formal: $top: assertions hold for $depth steps, all covers reached"
fi
