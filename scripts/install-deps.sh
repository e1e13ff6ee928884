#!/bin/sh
# rahil: install the Debian packages the project needs, when they are missing.
# As root this runs apt-get; otherwise it prints the command to run and exits 1.
set -eu

# Build and run: host, simulation, FPGA flow (fpga-icestorm-chipdb: the chip database of
# icetime, the flow's independent timing check). Tests: emulated FTDI device (umockdev),
# formal checks (z3), FST traces read back by GTKWave's fst2vcd (gtkwave), the frame parser's
# fuzz target (clang, libclang-rt-14-dev for libFuzzer), a single-node Slurm cluster for the
# sharded campaign (slurm-wlm, munge).
PACKAGES="build-essential pkg-config zlib1g-dev libcjson-dev libusb-1.0-0-dev libftdi1-dev
dataset-fashion-mnist verilator yosys nextpnr-ice40 fpga-icestorm fpga-icestorm-chipdb gnuplot-nox
umockdev libumockdev-dev z3 gtkwave clang libclang-rt-14-dev slurm-wlm munge"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "rahil: missing Debian packages:$missing" >&2
	echo "rahil: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "rahil: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
