# Writes the same synthetic CT twice: OUT/ct.nii.gz (nibabel, an oblique affine) and OUT/dcm/ as a
# DICOM series (pydicom) with shuffled file names and InstanceNumber running against position.
# Used by VolumeExportTests; needs Debian python3-nibabel and python3-pydicom.
import sys, os, random, numpy as np, nibabel as nib, pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
out = sys.argv[1]; os.makedirs(out + "/dcm", exist_ok=True)
nx, ny, nz = 40, 32, 12
rng = np.random.default_rng(5)
x, y, z = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing="ij")
vol = (-1000 + 1100 * (((x - 20) ** 2 / 150 + (y - 15) ** 2 / 90 + (z - 6) ** 2 / 16) < 1) + rng.integers(-20, 20, (nx, ny, nz))).astype(np.int16)
# An oblique RAS affine whose LPS grid is right-handed (as a DICOM series' is): rotation about z by 10 degrees.
c, s = np.cos(np.radians(10)), np.sin(np.radians(10))
R = np.array([[-c, s, 0], [-s, -c, 0], [0, 0, 1.0]])
A = np.eye(4); A[:3, :3] = R @ np.diag([0.75, 0.8, 2.5]); A[:3, 3] = [101.5, 87.25, -40.0]
nib.save(nib.Nifti1Image(vol, A), out + "/ct.nii.gz")
lps = np.diag([-1, -1, 1.0])
study, series, frame = generate_uid(), generate_uid(), generate_uid()
names = [f"f{i:03d}.dcm" for i in range(nz)]; random.Random(3).shuffle(names)
for k in range(nz):
    meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"; sop = generate_uid()
    meta.MediaStorageSOPInstanceUID = sop; meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(names[k], {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = sop; ds.Modality = "CT"
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
    ds.PatientName = "Phantom^CT"; ds.PatientID = "P1"
    ds.InstanceNumber = nz - k                                   # runs backwards against position
    ds.ImagePositionPatient = [float(v) for v in lps @ (A[:3, :3] @ [0, 0, k] + A[:3, 3])]
    ds.ImageOrientationPatient = [float(v) for v in np.concatenate([lps @ R[:, 0], lps @ R[:, 1]])]
    ds.PixelSpacing = [0.8, 0.75]; ds.SliceThickness = 2.5
    ds.Rows, ds.Columns = ny, nx; ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleIntercept, ds.RescaleSlope = 0, 1
    ds.PixelData = np.ascontiguousarray(vol[:, :, k].T).astype("<i2").tobytes()  # rows = y, columns = x
    ds.is_little_endian = True; ds.is_implicit_VR = False; ds.save_as(out + "/dcm/" + names[k], write_like_original=False)
