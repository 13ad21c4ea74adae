#!/usr/bin/env bash
# The recipe of the model that ships in models/ and that `medseg demo` uses: a base-16 U-Net
# trained by the project's own `medseg train` on the built-in synthetic ultrasound lesions.
# Deterministic data (seed 1); about 3 minutes on 2 CPU cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./medseg train --data "synthetic:lesion?n=480&size=128&seed=1" --no-plan --epochs 12 --base 16 --depth 4 --seed 1 --out runs/default-model
cp runs/default-model/best.ckpt models/lesion-unet16.ckpt
echo "models/lesion-unet16.ckpt updated"
