#!/usr/bin/python3
"""Builds the real-data benchmark sets from Debian's mricron-data (Colin27 T1, 1 mm):

  mri/      MRI-like 16-bit T1, 181×217 axial slices, 4 classes: background (air, scalp, skull),
            brain (ch2bet > 0), deep grey nuclei (AAL caudate, putamen, pallidum, thalamus) and
            cerebellum (AAL 91–116). Stored as int16 NIfTI (mri/train.nii.gz + -labels, heldout);
            each slice has its own scanner gain (0.6–1.6×) and a mild linear bias field, as slices
            from different scans would: no shared intensity scale, so per-image normalization is
            needed. Held out: two contiguous blocks (z 40–49 cerebellum, z 76–85 nuclei) with a
            3-slice gap on each side; 94 train / 20 held-out slices
  ct/       a CT-like 16-bit set in HU derived from the same head: air −1000, soft tissue
            (scalp + brain, 20–80 HU from the T1 contrast), bone (the skull ring between brain
            and scalp, 400–1400 HU); classes air / soft tissue / bone; 256×256 int16 NIfTI
            volumes ct/train.nii.gz + labels and ct/heldout.nii.gz + labels (90 / 18 slices)
  thin/     thin-structure 8-bit 512² "microscopy": cell membranes 1–3 px wide (Voronoi
            boundaries) among dark organelles that are not membranes, blur and noise;
            24 train / 6 held out, paired PNG folders
  cells/    thin/ with the masks inverted: ISBI 2012's convention (cells 255, membranes 0)
  coarse/   the ct/ slices as an 8-bit "X-ray" at 1024² (HU −1000..1000 → 0..255, upsampled 4×
            bilinearly, Gaussian noise σ 6), mask = soft tissue: large images of one coarse
            structure, like lungs in a chest X-ray; paired PNG folders, 90 / 18

Usage: /usr/bin/python3 bench/real/make_data.py OUT_DIR
"""
import os, sys
try:
    import numpy as np
    import nibabel as nib
    from PIL import Image
    from scipy import ndimage as ndi
except ImportError as e:  # Debian's packages, seen by /usr/bin/python3 only
    sys.exit(f"{os.path.basename(__file__)}: {e.name} is missing: run scripts/setup.sh --real-data "
             "(or apt-get install python3-numpy python3-nibabel python3-pil python3-scipy python3-torch), "
             "then run this with /usr/bin/python3")

T = "/usr/share/mricron/templates"
out = sys.argv[1] if len(sys.argv) > 1 else "runs/real-data"


def save_pair(folder, name, image, mask):
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    os.makedirs(os.path.join(folder, "masks"), exist_ok=True)
    Image.fromarray(image).save(os.path.join(folder, "images", name + ".png"))
    Image.fromarray(mask).save(os.path.join(folder, "masks", name + ".png"))


t1 = np.asanyarray(nib.load(f"{T}/ch2.nii.gz").dataobj).astype(np.float32)      # 181×217×181 (x, y, z)
brain = np.asanyarray(nib.load(f"{T}/ch2bet.nii.gz").dataobj) > 0

# 1. MRI-like: 16-bit, per-slice gain and bias field, four classes from ch2bet and AAL.
aal = np.asanyarray(nib.load(f"{T}/aal.nii.gz").dataobj)
mri_labels = brain.astype(np.uint8)                                   # 1 brain
mri_labels[brain & (aal >= 71) & (aal <= 78)] = 2                     # 2 deep grey nuclei
mri_labels[brain & (aal >= 91)] = 3                                   # 3 cerebellum
rng_mri = np.random.default_rng(11)
def mri_slice(z):
    gain = rng_mri.uniform(0.6, 1.6)
    xx, yy = np.meshgrid(np.linspace(-1, 1, t1.shape[0]), np.linspace(-1, 1, t1.shape[1]), indexing="ij")
    a, b = rng_mri.uniform(-0.1, 0.1, 2)
    v = t1[:, :, z] * 12 * gain * (1 + a * xx + b * yy) + rng_mri.normal(0, 6, xx.shape)
    return np.clip(np.round(v), 0, 32767).astype(np.int16), mri_labels[:, :, z]
held_mri = list(range(40, 50)) + list(range(76, 86))
train_mri = [z for z in range(25, 151) if not (37 <= z < 53 or 73 <= z < 89)]
for name, keep in (("train", train_mri), ("heldout", held_mri)):
    pairs = [mri_slice(z) for z in keep]
    os.makedirs(f"{out}/mri", exist_ok=True)
    nib.save(nib.Nifti1Image(np.stack([p[0] for p in pairs], -1), np.eye(4)), f"{out}/mri/{name}.nii.gz")
    nib.save(nib.Nifti1Image(np.stack([p[1] for p in pairs], -1), np.eye(4)), f"{out}/mri/{name}-labels.nii.gz")
    print(f"mri/{name}: {len(keep)} slices")

# 2. CT-like HU, 256×256, three classes.
rng = np.random.default_rng(7)
head = ndi.binary_fill_holes(ndi.binary_closing(t1 > 25, iterations=3))
skull = ndi.binary_dilation(brain, iterations=6) & head & ~brain
soft = head & ~skull
def ct_slice(z):
    hu = np.full(t1.shape[:2], -1000.0) + rng.normal(0, 15, t1.shape[:2])
    s = soft[:, :, z]
    hu[s] = 20 + 60 * np.clip(t1[:, :, z][s] / 150, 0, 1) + rng.normal(0, 8, s.sum())
    b = skull[:, :, z]
    texture = ndi.gaussian_filter(rng.normal(0, 1, t1.shape[:2]), 2)
    hu[b] = 900 + 400 * texture[b] + rng.normal(0, 30, b.sum())
    lab = np.zeros(t1.shape[:2], np.uint8); lab[s] = 1; lab[b] = 2
    pad = lambda a, v: np.pad(a, ((37, 38), (19, 20)), constant_values=v)   # 181×217 → 256×256
    return pad(hu, -1000).T.astype(np.int16), pad(lab, 0).T
zs = list(range(30, 138))                      # 108 slices
held_ct = set(range(75, 93))                   # 18 held out (contiguous)
for name, keep in (("train", [z for z in zs if z not in held_ct and not (72 <= z < 96)] + list(range(138, 144))), ("heldout", sorted(held_ct))):
    pairs = [ct_slice(z) for z in keep]
    vol = np.stack([p[0] for p in pairs], -1).transpose(1, 0, 2)   # x, y, z
    lab = np.stack([p[1] for p in pairs], -1).transpose(1, 0, 2)
    os.makedirs(f"{out}/ct", exist_ok=True)
    nib.save(nib.Nifti1Image(vol, np.eye(4)), f"{out}/ct/{name}.nii.gz")
    nib.save(nib.Nifti1Image(lab, np.eye(4)), f"{out}/ct/{name}-labels.nii.gz")
    print(f"ct/{name}: {len(keep)} slices")
    noise = np.random.default_rng(1 if name == "train" else 2)
    for z, (hu, lab_z) in zip(keep, pairs):
        a8 = np.clip((hu.astype(np.float32) + 1000) / 2000 * 255, 0, 255).astype(np.uint8)
        big = np.asarray(Image.fromarray(a8).resize((1024, 1024), Image.BILINEAR)).astype(np.float32) + noise.normal(0, 6, (1024, 1024))
        mask = np.asarray(Image.fromarray((lab_z == 1).astype(np.uint8) * 255).resize((1024, 1024), Image.NEAREST))
        save_pair(f"{out}/coarse/{name}", f"s{z:03d}", np.clip(big, 0, 255).astype(np.uint8), mask)

# 3. Thin structures, 8-bit 512².
def thin_image(seed):
    r = np.random.default_rng(seed)
    n = 512
    seeds = r.uniform(0, n, (90, 2))
    yy, xx = np.mgrid[0:n, 0:n]
    d = np.sort(np.stack([np.hypot(yy - sy, xx - sx) for sy, sx in seeds]), axis=0)
    width = r.uniform(0.6, 1.6)
    membrane = (d[1] - d[0]) < width
    img = 165 + 18 * ndi.gaussian_filter(r.normal(0, 1, (n, n)), 3)
    img[membrane] = 70
    for _ in range(40):                        # dark organelles: blobs that are not membranes
        cy, cx, rad = r.uniform(0, n), r.uniform(0, n), r.uniform(3, 9)
        img[np.hypot(yy - cy, xx - cx) < rad] = 85
    img = ndi.gaussian_filter(img, 1.0) + r.normal(0, 12, (n, n))
    return np.clip(img, 0, 255).astype(np.uint8), (membrane * 255).astype(np.uint8)
for k in range(30):
    img, msk = thin_image(100 + k)
    save_pair(f"{out}/thin/{'train' if k < 24 else 'heldout'}", f"em{k:02d}", img, msk)
    save_pair(f"{out}/cells/{'train' if k < 24 else 'heldout'}", f"em{k:02d}", img, 255 - msk)
print("done:", out)
