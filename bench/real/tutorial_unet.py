#!/usr/bin/python3
"""The plain PyTorch U-Net tutorial loop, as the bare peer of `medseg train` (issue 11):
U-Net base 16 at 256², random flips + rot90, Adam 1e-3, BCE+Dice (CE+Dice for >2 classes),
batch 4, constant learning rate, no validation split. Scored on the held-out set at each
mask's native resolution (probabilities resized bilinearly).

  /usr/bin/python3 bench/real/tutorial_unet.py TRAIN HELDOUT --epochs 30 [--threads 2]
TRAIN / HELDOUT: a paired folder (images/ + masks/, masks 0/255) or NIfTI IMG.nii.gz (labels IMG-labels.nii.gz);
NIfTI reaching air (< −500) is CT (fixed HU window −1000..1500 → 0–1), otherwise MRI (each slice over its maximum).
"""
import argparse, glob, json, os, sys, time
try:
    import numpy as np
    import torch, torch.nn as nn, torch.nn.functional as F
    from PIL import Image
except ImportError as e:  # Debian's packages, seen by /usr/bin/python3 only
    sys.exit(f"{os.path.basename(__file__)}: {e.name} is missing: run scripts/setup.sh --real-data "
             "(or apt-get install python3-numpy python3-nibabel python3-pil python3-scipy python3-torch), "
             "then run this with /usr/bin/python3")

p = argparse.ArgumentParser()
p.add_argument("train"); p.add_argument("heldout")
p.add_argument("--epochs", type=int, default=30); p.add_argument("--size", type=int, default=256)
p.add_argument("--threads", type=int, default=2); p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads); torch.manual_seed(a.seed); np.random.seed(a.seed)

def load(spec):
    if spec.endswith(".nii.gz"):
        import nibabel as nib
        img = np.asanyarray(nib.load(spec).dataobj).astype(np.float32)
        lab = np.asanyarray(nib.load(spec.replace(".nii.gz", "-labels.nii.gz")).dataobj).astype(np.int64)
        ims = [img[:, :, z].T for z in range(img.shape[2])]; ms = [lab[:, :, z].T for z in range(lab.shape[2])]
        if img.min() < -500:                         # tutorial CT: a fixed HU window → 0–1
            lo, hi = -1000.0, 1500.0
            return [np.clip((i - lo) / (hi - lo), 0, 1) for i in ims], ms
        return [i / max(float(i.max()), 1e-6) for i in ims], ms   # tutorial MRI: each image over its maximum
    ims, ms = [], []
    for f in sorted(glob.glob(os.path.join(spec, "images", "*.png"))):
        ims.append(np.asarray(Image.open(f).convert("L"), np.float32) / 255)
        ms.append((np.asarray(Image.open(f.replace("/images/", "/masks/")).convert("L")) > 0).astype(np.int64))
    return ims, ms

def conv(i, o): return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(True), nn.Conv2d(o, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(True))
class UNet(nn.Module):
    def __init__(s, k, b=16):
        super().__init__(); w = [b, 2 * b, 4 * b, 8 * b, 16 * b]
        s.inc = conv(1, w[0]); s.down = nn.ModuleList([conv(w[i], w[i + 1]) for i in range(4)])
        s.up = nn.ModuleList([nn.ConvTranspose2d(w[i + 1], w[i], 2, 2) for i in reversed(range(4))])
        s.dec = nn.ModuleList([conv(2 * w[i], w[i]) for i in reversed(range(4))]); s.out = nn.Conv2d(w[0], k, 1)
    def forward(s, x):
        xs = [s.inc(x)]
        for d in s.down: xs.append(d(F.max_pool2d(xs[-1], 2)))
        y = xs.pop()
        for u, d in zip(s.up, s.dec): y = d(torch.cat([xs.pop(), u(y)], 1))
        return s.out(y)

tr_i, tr_m = load(a.train); te_i, te_m = load(a.heldout)
k = int(max(m.max() for m in tr_m)) + 1; binary = k == 2
def to_net(i, m):
    x = F.interpolate(torch.from_numpy(i)[None, None], (a.size, a.size), mode="bilinear", align_corners=False)[0]
    y = F.interpolate(torch.from_numpy(m)[None, None].float(), (a.size, a.size), mode="nearest")[0, 0].long()
    return x, y
data = [to_net(i, m) for i, m in zip(tr_i, tr_m)]
net = UNet(1 if binary else k); opt = torch.optim.Adam(net.parameters(), 1e-3)
def loss_fn(logits, y):
    if binary:
        t = y[:, None].float(); pr = torch.sigmoid(logits)
        dice = 1 - (2 * (pr * t).sum((1, 2, 3)) + 1) / (pr.sum((1, 2, 3)) + t.sum((1, 2, 3)) + 1)
        return F.binary_cross_entropy_with_logits(logits, t) + dice.mean()
    pr = logits.softmax(1); oh = F.one_hot(y, k).permute(0, 3, 1, 2).float()
    dice = 1 - (2 * (pr * oh).sum((2, 3)) + 1) / (pr.sum((2, 3)) + oh.sum((2, 3)) + 1)
    return F.cross_entropy(logits, y) + dice[:, 1:].mean()
start = time.time()
for epoch in range(a.epochs):
    net.train(); order = np.random.permutation(len(data)); total = 0
    for b in range(0, len(order), 4):
        xs, ys = [], []
        for j in order[b:b + 4]:
            x, y = data[j]
            if np.random.rand() < 0.5: x, y = x.flip(-1), y.flip(-1)
            if np.random.rand() < 0.5: x, y = x.flip(-2), y.flip(-2)
            r = np.random.randint(4); x, y = torch.rot90(x, r, (-2, -1)), torch.rot90(y, r, (-2, -1))
            xs.append(x); ys.append(y)
        opt.zero_grad(); l = loss_fn(net(torch.stack(xs)), torch.stack(ys)); l.backward(); opt.step(); total += l.item()
    print(f"epoch {epoch + 1} loss {total / ((len(order) + 3) // 4):.4f}", flush=True)
train_s = time.time() - start
net.eval(); err = []; inter = np.zeros(k); sums = np.zeros(k); dices = [[] for _ in range(k)]
with torch.no_grad():
    for i, m in zip(te_i, te_m):
        x, _ = to_net(i, m)
        lg = F.interpolate(net(x[None]), m.shape, mode="bilinear", align_corners=False)[0]
        pred = (torch.sigmoid(lg[0]) > 0.5).long().numpy() if binary else lg.argmax(0).numpy()
        err.append(float((pred != m).mean()))
        for c in range(1, k):
            pp, tt = pred == c, m == c
            dices[c].append(1.0 if pp.sum() + tt.sum() == 0 else 2 * (pp & tt).sum() / (pp.sum() + tt.sum()))
            inter[c] += (pp & tt).sum(); sums[c] += pp.sum() + tt.sum()
print(json.dumps({"train_seconds": round(train_s, 1), "pixel_error": round(float(np.mean(err)), 4),
                  "dice": [round(float(np.mean(d)), 4) for d in dices[1:]],
                  "pooled_dice": [round(float(2 * inter[c] / sums[c]), 4) if sums[c] else 1.0 for c in range(1, k)], "train_images": len(data), "heldout_images": len(te_i)}))
