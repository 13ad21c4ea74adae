"""Writes small data sets the way U-Net tutorials ship them, with PIL (Debian's python3-pil), not our code.

usage: tutorial_layouts.py membrane|isbi|kvasir OUT [N] [SIZE]
  membrane  zhixuhao/unet: OUT/image/0.png.., OUT/label/0.png.. (8-bit grey, labels 0/255)
  isbi      ISBI 2012: OUT/train-volume.tif + OUT/train-labels.tif, N pages each
            (labels 0 = membrane, 255 = cell), plus OUT/test-volume.tif without labels
  kvasir    Kvasir-SEG: OUT/images/cjz..jpg (RGB) + OUT/masks/cjz..jpg (RGB JPEG masks, lossy)
  carvana   milesial/Pytorch-UNet's Carvana: OUT/imgs/<id>_01.jpg (RGB) + OUT/masks/<id>_01_mask.gif
            (palette GIF, index 1 = car)
  decathlon Medical Segmentation Decathlon (nibabel): OUT/imagesTr/la_00K.nii.gz (int16, N slices of SIZE×SIZE/2)
            + OUT/labelsTr/la_00K.nii.gz (uint8 ids 0, 1, 2) for 3 cases, OUT/dataset.json with MSD's "labels"
  nnunet    the same as nnU-Net v2 names it: imagesTr/la_00K_0000.nii.gz and _0001 (a second channel),
            dataset.json "labels": {"background": 0, ...}
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
    elif kind in ("decathlon", "nnunet"):
        import json
        import nibabel as nib
        os.makedirs(f"{out}/imagesTr", exist_ok=True)
        os.makedirs(f"{out}/labelsTr", exist_ok=True)
        for k in range(1, 4):
            nx, ny = size, size // 2
            x, y, z = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(n), indexing="ij")
            organ = ((x - nx / 2) ** 2 / (nx / 3) ** 2 + (y - ny / 2) ** 2 / (ny / 3) ** 2) < 1
            lesion = organ & (((x - nx / 2) ** 2 + (y - ny / 2) ** 2) < (ny / 8) ** 2) & (z % 2 == 0)
            labels = organ.astype(np.uint8) + lesion.astype(np.uint8)
            ct = (np.where(organ, 60, -900) + 300 * lesion + rng.integers(-20, 20, labels.shape)).astype(np.int16)
            affine = np.diag([0.7, 0.7, 2.5, 1.0])
            image = f"la_{k:03d}_0000" if kind == "nnunet" else f"la_{k:03d}"
            nib.save(nib.Nifti1Image(ct, affine), f"{out}/imagesTr/{image}.nii.gz")
            if kind == "nnunet":
                nib.save(nib.Nifti1Image(ct // 2, affine), f"{out}/imagesTr/la_{k:03d}_0001.nii.gz")
            nib.save(nib.Nifti1Image(labels, affine), f"{out}/labelsTr/la_{k:03d}.nii.gz")
        names = {"0": "background", "1": "organ", "2": "lesion"}
        if kind == "nnunet":
            names = {v: int(k) for k, v in names.items()}
        with open(f"{out}/dataset.json", "w") as f:
            json.dump({"name": "tiny", "labels": names, "numTraining": 3}, f)
    else:
        sys.exit(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
