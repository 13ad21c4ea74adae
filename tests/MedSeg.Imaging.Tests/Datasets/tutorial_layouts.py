"""Writes small data sets the way U-Net tutorials ship them, with PIL (Debian's python3-pil), not our code.

usage: tutorial_layouts.py membrane|isbi|kvasir OUT [N] [SIZE]
  membrane  zhixuhao/unet: OUT/image/0.png.., OUT/label/0.png.. (8-bit grey, labels 0/255)
  isbi      ISBI 2012: OUT/train-volume.tif + OUT/train-labels.tif, N pages each
            (labels 0 = membrane, 255 = cell), plus OUT/test-volume.tif without labels
  kvasir    Kvasir-SEG: OUT/images/cjz..jpg (RGB) + OUT/masks/cjz..jpg (RGB JPEG masks, lossy)
  carvana   milesial/Pytorch-UNet's Carvana: OUT/imgs/<id>_01.jpg (RGB) + OUT/masks/<id>_01_mask.gif
            (palette GIF, index 1 = car)
The foreground of every image is a bright region on a darker, noisy ground, so a model can learn it.
"""
import os
import sys

import numpy as np
from PIL import Image


def cells(rng, size):
    """A grid of cells split by dark membranes a few pixels wide: (image, label 0 membrane / 255 cell)."""
    label = np.full((size, size), 255, np.uint8)
    step = max(6, size // 4)
    for axis in (0, 1):
        for at in range(int(rng.integers(0, step)), size, step):
            if axis == 0:
                label[at:at + 2, :] = 0
            else:
                label[:, at:at + 2] = 0
    image = np.where(label > 0, 190, 50) + rng.normal(0, 12, (size, size))
    return np.clip(image, 0, 255).astype(np.uint8), label


def disc(rng, size):
    """One bright disc: (image, label 0 / 255)."""
    yy, xx = np.mgrid[0:size, 0:size]
    cy, cx = rng.integers(size // 4, 3 * size // 4, 2)
    r = rng.integers(size // 8, size // 4)
    label = np.where((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r, 255, 0).astype(np.uint8)
    image = np.where(label > 0, 200, 60) + rng.normal(0, 15, (size, size))
    return np.clip(image, 0, 255).astype(np.uint8), label


def main():
    kind, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    rng = np.random.default_rng(7)
    if kind == "membrane":
        os.makedirs(f"{out}/image", exist_ok=True)
        os.makedirs(f"{out}/label", exist_ok=True)
        for i in range(n):
            image, label = cells(rng, size)
            Image.fromarray(image).save(f"{out}/image/{i}.png")
            Image.fromarray(label).save(f"{out}/label/{i}.png")
    elif kind == "isbi":
        os.makedirs(out, exist_ok=True)
        pages = [cells(rng, size) for _ in range(n)]
        images = [Image.fromarray(p[0]) for p in pages]
        labels = [Image.fromarray(p[1]) for p in pages]
        images[0].save(f"{out}/train-volume.tif", save_all=True, append_images=images[1:])
        labels[0].save(f"{out}/train-labels.tif", save_all=True, append_images=labels[1:])
        images[0].save(f"{out}/test-volume.tif", save_all=True, append_images=images[1:])
    elif kind == "kvasir":
        os.makedirs(f"{out}/images", exist_ok=True)
        os.makedirs(f"{out}/masks", exist_ok=True)
        for i in range(n):
            image, label = disc(rng, size)
            rgb = np.stack([image, image // 2, image // 3], axis=-1)
            Image.fromarray(rgb).save(f"{out}/images/cju{i:04d}.jpg", quality=90)
            Image.fromarray(np.stack([label] * 3, axis=-1)).save(f"{out}/masks/cju{i:04d}.jpg", quality=75)
    elif kind == "carvana":
        os.makedirs(f"{out}/imgs", exist_ok=True)
        os.makedirs(f"{out}/masks", exist_ok=True)
        for i in range(n):
            image, label = disc(rng, size)
            rgb = np.stack([image // 3, image // 2, image], axis=-1)
            Image.fromarray(rgb).save(f"{out}/imgs/0cdf{i:04d}_01.jpg", quality=90)
            mask = Image.fromarray((label > 0).astype(np.uint8), mode="P")
            mask.putpalette([0, 0, 0, 255, 255, 255])
            mask.save(f"{out}/masks/0cdf{i:04d}_01_mask.gif")
    else:
        sys.exit(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
