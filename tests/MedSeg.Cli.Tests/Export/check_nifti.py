# Compares an exported label volume with the scan: same shape, same voxel-to-world affine (nibabel's
# reading of both), and labels == (HU > 0). Prints one line; exits 1 on any mismatch.
import sys, numpy as np, nibabel as nib
labels, scan = nib.load(sys.argv[1]), nib.load(sys.argv[2])
geometry_only = len(sys.argv) > 3 and sys.argv[3] == "--geometry-only"   # labels from a model: only shape and affine are known
ok_shape = labels.shape == scan.shape
ok_affine = np.allclose(labels.affine, scan.affine, atol=1e-3)
ok_data = geometry_only or ok_shape and np.array_equal(np.asarray(labels.dataobj), (np.asarray(scan.dataobj) > 0).astype(np.uint8))
print(f"shape {labels.shape} vs {scan.shape}; affine max diff {np.abs(labels.affine - scan.affine).max():.2e}; "
      f"sform code {int(labels.header['sform_code'])}, qform code {int(labels.header['qform_code'])}; "
      f"qform vs sform {np.abs(labels.get_qform() - labels.get_sform()).max():.2e}; data equal {ok_data}")
sys.exit(0 if ok_shape and ok_affine and ok_data and np.allclose(labels.get_qform(), scan.affine, atol=1e-3) else 1)
