# Reads an exported DICOM SEG with pydicom, independently of the writer: every frame's source
# slice (DerivationImage → SOP Instance UID), its plane position (must equal the source's Image
# Position (Patient)), and its bits (must equal source HU > 0 for segment 1). Exits 1 on a mismatch.
import sys, glob, numpy as np, pydicom
seg = pydicom.dcmread(sys.argv[1])
sources = {d.SOPInstanceUID: d for d in (pydicom.dcmread(f) for f in glob.glob(sys.argv[2] + "/*.dcm"))}
frames = seg.pixel_array.reshape(int(seg.NumberOfFrames), seg.Rows, seg.Columns)
fractional = seg.SegmentationType == "FRACTIONAL"
bad = 0
for i, pf in enumerate(seg.PerFrameFunctionalGroupsSequence):
    uid = pf.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    src = sources[uid]
    ipp = [float(v) for v in pf.PlanePositionSequence[0].ImagePositionPatient]
    if not np.allclose(ipp, [float(v) for v in src.ImagePositionPatient], atol=1e-3): bad += 1
    expected = (src.pixel_array.astype(np.int32) * int(src.RescaleSlope) + int(src.RescaleIntercept)) > 0
    got = frames[i] > (127 if fractional else 0)
    if pf.SegmentIdentificationSequence[0].ReferencedSegmentNumber == 1 and not np.array_equal(got, expected): bad += 1
print(f"{len(seg.PerFrameFunctionalGroupsSequence)} frames, {len(sources)} source slices, segment '{seg.SegmentSequence[0].SegmentLabel}', {bad} mismatches")
sys.exit(1 if bad else 0)
