#!/usr/bin/python3
# Usage: /usr/bin/python3 scripts/colin27-slices.py OUT_DIR  (needs Debian mricron-data, python3-nibabel, python3-pil)
# 120 axial slices of Colin27 (mricron-data) with brain masks (ch2bet > 0) as a paired folder.
import sys, numpy as np, nibabel as nib
from PIL import Image
from pathlib import Path
out = Path(sys.argv[1]); (out / "images").mkdir(parents=True, exist_ok=True); (out / "masks").mkdir(exist_ok=True)
t1 = np.asanyarray(nib.load("/usr/share/mricron/templates/ch2.nii.gz").dataobj)
bet = np.asanyarray(nib.load("/usr/share/mricron/templates/ch2bet.nii.gz").dataobj)
zs = [z for z in range(t1.shape[2]) if (bet[:, :, z] > 0).any()]
mid = len(zs) // 2
chosen = zs[mid - 60: mid + 60]  # 120 central slices that hold brain
for z in chosen:
    img = np.rot90(t1[:, :, z]).astype(np.float32)
    img = (255 * (img - img.min()) / max(1e-6, img.max() - img.min())).astype(np.uint8)
    mask = (np.rot90(bet[:, :, z]) > 0).astype(np.uint8) * 255
    Image.fromarray(img).save(out / "images" / f"ch2_z{z:03d}.png")
    Image.fromarray(mask).save(out / "masks" / f"ch2_z{z:03d}.png")
print(len(chosen), "slices", chosen[0], "..", chosen[-1], t1.shape, t1.dtype)
