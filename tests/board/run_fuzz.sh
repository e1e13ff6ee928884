#!/bin/sh
# rahil: bounded fuzzing of the host frame parser with libFuzzer (clang -fsanitize=fuzzer).
# Usage: run_fuzz.sh OUTDIR [SECONDS]. Installs clang and libclang-rt-14-dev through apt when
# missing and running as root; without libFuzzer it runs the same target standalone (gcc,
# pseudo-random inputs) and says so. Ends with "N passed, N failed, N skipped".
set -u
out=$1
secs=${2:-30}
here=$(dirname "$0")
top=$here/../..
mkdir -p "$out/fuzz-corpus" "$out/fuzz-crashes"
src="$here/fuzz_protocol.c $top/host/link/protocol.c $top/host/core/error.c"
flags="-std=c11 -O1 -g -I$top/host/core -I$top/host/data -I$top/host/accel -I$top/host/link -D_POSIX_C_SOURCE=200809L"

have_libfuzzer() {
	command -v clang >/dev/null 2>&1 || return 1
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' \
		>"$out/probe.c"
	clang -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" >/dev/null 2>&1
}

if ! have_libfuzzer && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "run_fuzz: installing clang and libclang-rt-14-dev for libFuzzer" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang libclang-rt-14-dev \
		>"$out/apt.log" 2>&1 || echo "run_fuzz: apt-get failed, see $out/apt.log" >&2
fi

# Seeds: an IDENTIFY and an ECHO frame, each after a chunk-size byte.
printf '\000\245\000\001\000\000\360\263' >"$out/fuzz-corpus/seed-identify"
printf '\003\245\007\011\004\000\001\002\003\004\110\326' >"$out/fuzz-corpus/seed-echo"

if have_libfuzzer; then
	# shellcheck disable=SC2086
	if ! clang $flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $src \
		-o "$out/fuzz_protocol"; then
		echo "run_fuzz: build failed"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	if "$out/fuzz_protocol" -max_total_time="$secs" -max_len=4096 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/fuzz-crashes/" \
		"$out/fuzz-corpus" >"$out/fuzz.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
		echo "ok   fuzz/frame_parser: libFuzzer, ${runs:-?} inputs in ${secs} s, no failure"
		echo "1 passed, 0 failed, 0 skipped"
		exit 0
	fi
	tail -n 30 "$out/fuzz.log"
	echo "FAIL fuzz/frame_parser: crash input in $out/fuzz-crashes/ (log $out/fuzz.log)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

echo "run_fuzz: libFuzzer not available; running the target standalone" >&2
# shellcheck disable=SC2086
if cc $flags -DRH_FUZZ_STANDALONE -fsanitize=address,undefined $src -o "$out/fuzz_standalone" &&
	"$out/fuzz_standalone" 20000; then
	echo "ok   fuzz/frame_parser (standalone, no libFuzzer)"
	echo "1 passed, 0 failed, 0 skipped"
	exit 0
fi
echo "FAIL fuzz/frame_parser (standalone)"
echo "0 passed, 1 failed, 0 skipped"
exit 1
