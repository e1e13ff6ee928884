#!/bin/sh
# rahil: the main job on the embedded default (Verilator simulation, no board): the reference
# models' standard accuracy on the software path (all 10,000 test images), the simulated
# accelerator checked logit by logit against it, one injected bit flip, and the CNN's resiliency
# accuracy measured on the simulated accelerator against the software predictions (rahil compare:
# a calibration campaign on other images, then a uniform and an isb campaign each run until its
# drop is known to +-REL_CI of itself, at most COMPARE_N injections), saved into RUN_DIR with its
# HTML report.
set -eu
RAHIL=${1:-build/rahil}
SIM_IMAGES=${SIM_IMAGES:-300}
REL_CI=${REL_CI:-0.1}
COMPARE_N=${COMPARE_N:-100000}
CALIB_N=${CALIB_N:-3000}
RUN_DIR=${RUN_DIR:-$(dirname "$RAHIL")/demo-run}
for arch in mlp cnn; do
	model=models/$arch.rmod
	if [ ! -f "$model" ]; then
		echo "rahil demo: $model missing, training it (make models gives the same result)" >&2
		"$RAHIL" train --arch "$arch" --seed 1 -o "$model"
	fi
	"$RAHIL" eval -m "$model" --backend sw
	"$RAHIL" eval -m "$model" --backend sim --images "$SIM_IMAGES" -q
done
echo "One flip of the sign bit of PE (0,0)'s accumulator at cycle 23900 of test image 3:"
"$RAHIL" inject -m models/cnn.rmod --image 3 --ff 'gen_row[0].gen_col[0].u_pe.u_acc:31' --cycle 23900
echo "The CNN's resiliency accuracy, measured on the simulated accelerator (the drop to +-$REL_CI x itself) and predicted:"
start=$(date +%s)
"$RAHIL" compare -m models/cnn.rmod --sampler isb --rel-ci "$REL_CI" --n "$COMPARE_N" --calib-n "$CALIB_N" \
	--out "$RUN_DIR"
echo "(rahil compare took $(($(date +%s) - start)) s)"
echo "The report of that run (rahil report $RUN_DIR):"
"$RAHIL" report "$RUN_DIR"
