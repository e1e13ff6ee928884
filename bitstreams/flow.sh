#!/bin/sh
# rahil: FPGA build flow for one iCE40 board: yosys (synth_ice40 with DSPs) -> nextpnr-ice40
# -> icepack, then icetime on the packed design as an independent timing check. Prints
# utilisation and both maximum frequencies; fails when either misses the design clock.
#
# usage: flow.sh OUTDIR TOP DEVICE PACKAGE PCF FREQ_MHZ DEFINES -- VERILOG...
#   DEVICE is a nextpnr-ice40 device flag without dashes (up5k, hx8k, ...); DEFINES is a
#   space-separated list of NAME[=VALUE] passed to yosys as -D (may be empty).
set -eu

if [ $# -lt 9 ] || [ "$8" != "--" ]; then
	echo "usage: $0 OUTDIR TOP DEVICE PACKAGE PCF FREQ_MHZ DEFINES -- VERILOG..." >&2
	exit 1
fi
out=$1 top=$2 device=$3 package=$4 pcf=$5 freq=$6 defines=$7
shift 8
for tool in yosys nextpnr-ice40 icepack icetime; do
	command -v $tool >/dev/null || {
		echo "rahil bitstream: $tool not found; run scripts/install-deps.sh" >&2
		exit 1
	}
done
mkdir -p "$out"
dflags=""
for d in $defines; do dflags="$dflags -D$d"; done

echo "rahil bitstream: synthesising $top ($*)" >&2
yosys -q -l "$out/synth.log" -p "read_verilog $dflags $*; synth_ice40 -dsp -top $top -json $out/$top.json; tee -q -o $out/stat.txt stat" ||
	{ echo "rahil bitstream: yosys failed, see $out/synth.log" >&2; exit 1; }

echo "rahil bitstream: placing and routing for $device-$package at $freq MHz" >&2
nextpnr-ice40 -q --"$device" --package "$package" --pcf "$pcf" --json "$out/$top.json" \
	--asc "$out/$top.asc" --freq "$freq" --report "$out/report.json" --seed 1 \
	-l "$out/pnr.log" --timing-allow-fail ||
	{ echo "rahil bitstream: nextpnr-ice40 failed, see $out/pnr.log" >&2; exit 1; }

icepack "$out/$top.asc" "$out/$top.bin"

# Utilisation: LUTs and flip-flops from yosys, placed cells from nextpnr's log.
echo "rahil bitstream: $out/$top.bin"
luts=$(awk '$1 == "SB_LUT4" { n += $2 } END { print n + 0 }' "$out/stat.txt")
ffs=$(awk '$1 ~ /^SB_DFF/ { n += $2 } END { print n + 0 }' "$out/stat.txt")
echo "  LUT4s: $luts   flip-flops: $ffs"
grep -E '^Info:[[:space:]]+(ICESTORM_LC|ICESTORM_RAM|ICESTORM_DSP|ICESTORM_SPRAM|SB_IO):' "$out/pnr.log" |
	head -n 5 | sed 's/^Info:[[:space:]]*/  /'
# nextpnr reports each clock after placement and again after routing; the last report of each
# clock counts. Its constant nets ($PACKER_...) are reported as clocks too: ignore them.
fmax=$(grep -E "Max frequency for clock" "$out/pnr.log" | grep -v "PACKER" |
	sed "s/.*Max frequency for clock '\([^']*\)'/\1 &/" | awk '{ last[$1] = $0 } END { for (c in last) print last[c] }' |
	sed 's/^[^ ]* //; s/^.*\(Max frequency\)/\1/')
[ -n "$fmax" ] || { echo "rahil bitstream: no timing result in $out/pnr.log" >&2; exit 1; }
echo "$fmax" | sed 's/^/  /'
if echo "$fmax" | grep -qv "PASS"; then
	echo "rahil bitstream: timing not met at $freq MHz" >&2
	exit 1
fi

# Independent check: icestorm's timing analyser on the packed design (the .asc nextpnr wrote),
# with its own delay model (the chip database of Debian's fpga-icestorm-chipdb). Its .pcf
# parser does not know -nowarn, so it reads a copy without it.
sed 's/[[:space:]]-nowarn//' "$pcf" >"$out/icetime.pcf"
if icetime -d "$device" -P "$package" -p "$out/icetime.pcf" -t -c "$freq" "$out/$top.asc" \
	>"$out/icetime.txt" 2>&1; then
	itrc=0
else
	itrc=$?
fi
# "Total path delay: 55.36 ns (18.06 MHz)" -> "18.06 MHz (critical path 55.36 ns)"
ipath=$(sed -n 's/^Total path delay: \([0-9.]* ns\) (\([0-9.]* MHz\))$/\2 (critical path \1)/p' \
	"$out/icetime.txt" | tail -n 1)
if [ -z "$ipath" ]; then
	tail -n 5 "$out/icetime.txt" >&2
	echo "rahil bitstream: no timing result from icetime, see $out/icetime.txt" \
		"(its chip database is Debian's fpga-icestorm-chipdb)" >&2
	exit 1
fi
if [ "$itrc" -eq 0 ] && grep -q "clock constraint: PASSED" "$out/icetime.txt"; then
	echo "  icetime: $ipath, PASS at $freq MHz"
else
	echo "  icetime: $ipath, FAIL at $freq MHz"
	rm -f "$out/$top.bin"
	echo "rahil bitstream: icetime: timing not met at $freq MHz, see $out/icetime.txt" >&2
	exit 1
fi
