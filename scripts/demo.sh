#!/bin/sh
# rahil: the main job on the embedded default. Today: the committed reference models'
# standard accuracy on all 10,000 Fashion-MNIST test images, on the software reference path.
set -eu
RAHIL=${1:-build/rahil}
for arch in mlp cnn; do
	model=models/$arch.rmod
	if [ ! -f "$model" ]; then
		echo "rahil demo: $model missing, training it (make models gives the same result)" >&2
		"$RAHIL" train --arch "$arch" --seed 1 -o "$model"
	fi
	"$RAHIL" eval -m "$model" --backend sw
done
