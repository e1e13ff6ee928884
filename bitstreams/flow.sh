#!/bin/sh
# rahil: FPGA build flow for one iCE40 board: yosys (synth_ice40 with DSPs) -> nextpnr-ice40
# -> icepack. Prints utilisation and the maximum frequency; fails when timing is not met at
# the design clock.
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
for tool in yosys nextpnr-ice40 icepack; do
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
