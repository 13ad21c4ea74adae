#!/usr/bin/python3
"""Damaged and odd inputs for scripts/campaign.sh, generated from valid files written by real tools.

    gen.py cases WORKDIR        writes the inputs under WORKDIR and WORKDIR/cases.tsv
    gen.py igtl MODE PORT       an OpenIGTLink server that misbehaves in one way (MODE below)

cases.tsv columns: id, group, expect, name, command.
  expect  ok   – a valid input: must exit 0
          bad  – a damaged input: must exit 2 with an `error:` line naming `name`, or exit 0 naming
                 `name` as skipped / damaged (anything else that exits 0 is a silent skip)
          any  – damage a reader cannot always see (a flipped pixel): exit 0 or a clear exit 2
  name    what the error or skip line must name (a file name, an option as typed, host:port)
  command bash, run with $M (the medseg command), $CK (a checkpoint), $OX (it as ONNX, quicker to load) and $W (WORKDIR) set

Needs Debian's /usr/bin/python3 (pydicom, nibabel, numpy, PIL) and dcmtk (dcmconv, dcmcjpeg, dcmcrle).
"""
import os
import random
import socket
import struct
import subprocess
import sys
import time
import zlib

import numpy as np

CASES = []


def case(group, expect, name, command):
    CASES.append((f"{group}-{len([c for c in CASES if c[1] == group]) + 1:03d}", group, expect, name, command))


def stream(source, extra=""):
    return f'$M stream --model $OX --threads 1 --source \'{source}\' {extra}'.strip()


# ---------------------------------------------------------------- DICOM
def write_dicom(path, rows=64, cols=64, z=0.0, index=1, bits=16, syntax="1.2.840.10008.1.2.1", frames=None, pixels=None):
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import generate_uid
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = "1.2.3.4"
    ds.SeriesInstanceUID = "1.2.3.4.5"
    ds.FrameOfReferenceUID = "1.2.3.4.6"
    ds.PatientName = "Campaign^Case"
    ds.Modality = "CT"
    ds.InstanceNumber = index
    ds.ImagePositionPatient = [0.0, 0.0, float(z)]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    ds.PixelSpacing = [1.0, 1.0]
    ds.SliceThickness = 1.0
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = bits
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 1 if bits == 16 else 0
    ds.RescaleIntercept = -1024 if bits == 16 else 0
    ds.RescaleSlope = 1
    if frames is not None:
        ds.NumberOfFrames = frames
    if pixels is None:
        rng = np.random.default_rng(index)
        dtype = np.int16 if bits == 16 else np.uint8
        pixels = rng.integers(0, 2000 if bits == 16 else 255, size=(frames or 1, rows, cols)).astype(dtype)
        pixels = pixels.tobytes()
    ds.PixelData = pixels
    ds.is_little_endian = True
    ds.is_implicit_VR = syntax == "1.2.840.10008.1.2"
    ds.save_as(path, write_like_original=False)


def dicom_series(d, n=6, **kw):
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        write_dicom(os.path.join(d, f"slice{i:02d}.dcm"), z=float(i), index=i + 1, **kw)
    return [os.path.join(d, f"slice{i:02d}.dcm") for i in range(n)]


def sparse_dicom(path, rows, cols, bits=16, frames=None):
    """A self-consistent DICOM whose pixel data is rows×cols×frames, written sparse (cheap on disk)."""
    write_dicom(path, rows=2, cols=2, bits=bits, frames=frames, pixels=b"\0" * (2 * 2 * (bits // 8) * (frames or 1)))
    data = bytearray(open(path, "rb").read())
    tag = bytes.fromhex("e07f1000")   # (7FE0,0010) little endian
    at = data.rfind(tag)
    # Explicit VR OW/OB: tag, VR, 2 reserved, uint32 length.
    length = rows * cols * (bits // 8) * (frames or 1)
    patch_us(data, 0x0028, 0x0010, rows)
    patch_us(data, 0x0028, 0x0011, cols)
    data[at + 8:at + 12] = struct.pack("<I", length & 0xFFFFFFFE)
    del data[at + 12:]
    with open(path, "wb") as f:
        f.write(data)
        f.truncate(at + 12 + (length & 0xFFFFFFFE))


def patch_us(data, group, element, value):
    tag = struct.pack("<HH", group, element) + b"US"
    at = data.find(tag)
    if at >= 0:
        data[at + 8:at + 10] = struct.pack("<H", value & 0xFFFF)


def patch_is(data, group, element, text):
    """Replace an IS/DS string element's value (explicit VR) in place, keeping the length even."""
    at = data.find(struct.pack("<HH", group, element))
    if at < 0:
        return data
    length = struct.unpack("<H", data[at + 6:at + 8])[0]
    value = text.encode()
    if len(value) % 2:
        value += b" "
    return data[:at + 6] + struct.pack("<H", len(value)) + value + data[at + 8 + length:]


def dicom_cases(w):
    base = os.path.join(w, "dicom")
    good = os.path.join(base, "good")
    files = dicom_series(good)
    case("dicom", "ok", "", stream(f"dicom:{good}?fps=200"))
    case("dicom", "ok", "", stream(f"dicom:{files[0]}"))
    implicit = os.path.join(base, "implicit")
    os.makedirs(implicit, exist_ok=True)
    for f in files:
        subprocess.run(["dcmconv", "+ti", f, os.path.join(implicit, os.path.basename(f))], check=True)
    case("dicom", "ok", "", stream(f"dicom:{implicit}?fps=200"))
    raw = open(files[2], "rb").read()

    def variant(tag, mutate, expect="bad", victim="slice02.dcm"):
        d = os.path.join(base, tag)
        dicom_series(d)
        p = os.path.join(d, victim)
        data = mutate(bytearray(open(p, "rb").read()))
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        case("dicom", expect, victim, stream(f"dicom:{d}?fps=200", f"--report {d}.report.json"))
        return d

    for cut in (0, 1, 64, 128, 131, 200, len(raw) // 2, len(raw) - 100, len(raw) - 1):
        variant(f"cut{cut}", lambda b, c=cut: b[:c], expect="bad")
    rng = random.Random(12)
    for i in range(12):
        def flip(b, i=i):
            r = random.Random(i)
            for _ in range(1 + i % 4):
                at = r.randrange(132, min(len(b), 700))   # the header, where flips change meaning
                b[at] ^= 0xFF
            return b
        variant(f"flip{i}", flip, expect="any")
    # Absurd sizes claimed by a slice whose pixels do not follow.
    for rows, cols in ((65535, 65535), (16384, 16384), (0, 64), (1, 1)):
        variant(f"size{rows}x{cols}", lambda b, r=rows, c=cols: (patch_us(b, 0x0028, 0x0010, r), patch_us(b, 0x0028, 0x0011, c), b)[2])
    variant("bits7", lambda b: (patch_us(b, 0x0028, 0x0100, 7), b)[1])
    variant("bits64", lambda b: (patch_us(b, 0x0028, 0x0100, 64), b)[1])
    variant("samples3", lambda b: (patch_us(b, 0x0028, 0x0002, 3), b)[1])
    # Wrong VR lengths: a string element claims more bytes than the file has, or an odd count.
    def vr_length(b, length):
        at = b.find(struct.pack("<HH", 0x0010, 0x0010))
        b[at + 6:at + 8] = struct.pack("<H", length)
        return b
    for length in (0xFFFF, 0xFFF0, 3, 1):
        variant(f"vrlen{length}", lambda b, l=length: vr_length(b, l), expect="any")
    def pixel_length(b, length):
        at = b.rfind(bytes.fromhex("e07f1000"))
        b[at + 8:at + 12] = struct.pack("<I", length)
        return b
    for length in (0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 7, 0):
        variant(f"pixlen{length:x}", lambda b, l=length: pixel_length(b, l))
    # Compressed transfer syntaxes, written by dcmtk.
    for tool, flag in (("dcmcjpeg", []), ("dcmcrle", []), ("dcmcjpls", [])):
        d = os.path.join(base, tool)
        fs = dicom_series(d, bits=8) if tool == "dcmcjpeg" else dicom_series(d)
        try:
            subprocess.run([tool, *flag, fs[3], fs[3] + ".tmp"], check=True, capture_output=True)
            os.replace(fs[3] + ".tmp", fs[3])
        except (OSError, subprocess.CalledProcessError):
            continue
        case("dicom", "bad", "slice03.dcm", stream(f"dicom:{d}?fps=200"))
        case("dicom", "bad", "slice03.dcm", stream(f"dicom:{fs[3]}"))
    # Mixed sizes in one series.
    d = os.path.join(base, "mixed")
    dicom_series(d)
    write_dicom(os.path.join(d, "slice03.dcm"), rows=32, cols=48, z=3.0, index=4)
    case("dicom", "bad", "slice03.dcm", stream(f"dicom:{d}?fps=200"))
    # Self-consistent but huge: 16384×16384 16-bit (512 MiB of pixels), 8192×65535, 300 M frames.
    for tag, rows, cols, frames in (("big16k", 16384, 16384, None), ("big8k", 8192, 65535, None), ("frames300m", 64, 64, 300_000_000), ("frames200k", 8, 8, 200_000)):
        d = os.path.join(base, tag)
        os.makedirs(d, exist_ok=True)
        sparse_dicom(os.path.join(d, "huge.dcm"), rows, cols, frames=frames)
        case("dicom", "bad", "huge.dcm", stream(f"dicom:{d}?fps=200"))
    # A multi-frame file that claims more frames than its pixels hold.
    d = os.path.join(base, "frameclaim")
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "multi.dcm")
    write_dicom(p, frames=4)
    data = patch_is(open(p, "rb").read(), 0x0028, 0x0008, "300000000")
    open(p, "wb").write(data)
    case("dicom", "bad", "multi.dcm", stream(f"dicom:{p}"))
    case("dicom", "bad", "multi.dcm", stream(f"dicom:{d}"))
    # Special files in the folder: a FIFO, a directory, /dev/zero, a dangling link, empty, text.
    for tag, make in (("fifo", lambda p: os.mkfifo(p)), ("subdir", lambda p: os.mkdir(p)), ("devzero", lambda p: os.symlink("/dev/zero", p)),
                      ("dangling", lambda p: os.symlink("/nonexistent/x.dcm", p)), ("empty", lambda p: open(p, "wb").close()),
                      ("text", lambda p: open(p, "w").write("not a dicom file\n" * 50)), ("selfloop", lambda p: os.symlink(p, p))):
        d = os.path.join(base, f"special-{tag}")
        dicom_series(d)
        make(os.path.join(d, "odd.dcm"))
        case("dicom", "bad", "odd.dcm", stream(f"dicom:{d}?fps=200"))
    case("dicom", "bad", "odd.dcm", stream(f"dicom:{base}/special-fifo/odd.dcm"))
    case("dicom", "bad", "odd.dcm", stream(f"dicom:{base}/special-devzero/odd.dcm"))
    os.makedirs(os.path.join(base, "emptydir"), exist_ok=True)
    case("dicom", "bad", "emptydir", stream(f"dicom:{base}/emptydir"))
    case("dicom", "bad", "nonexistent", stream(f"dicom:{base}/nonexistent"))
    d = os.path.join(base, "allbad")
    os.makedirs(d, exist_ok=True)
    for i in range(3):
        open(os.path.join(d, f"junk{i}.dcm"), "wb").write(os.urandom(300))
    case("dicom", "bad", "allbad", stream(f"dicom:{d}"))


# ---------------------------------------------------------------- NIfTI
def nifti_cases(w):
    import nibabel as nib
    base = os.path.join(w, "nifti")
    os.makedirs(base, exist_ok=True)
    vol = (np.random.default_rng(1).integers(0, 1000, size=(32, 24, 6))).astype(np.int16)
    img = nib.Nifti1Image(vol, np.diag([1.0, 1.0, 2.0, 1.0]))
    good, goodgz = os.path.join(base, "good.nii"), os.path.join(base, "good.nii.gz")
    nib.save(img, good)
    nib.save(img, goodgz)
    for axis in ("x", "y", "z"):
        case("nifti", "ok", "", stream(f"nifti:{goodgz}?axis={axis}&fps=200"))
    raw, gz = open(good, "rb").read(), open(goodgz, "rb").read()

    def write(tag, data, ext=".nii", expect="bad", query="fps=200"):
        p = os.path.join(base, tag + ext)
        open(p, "wb").write(data)
        case("nifti", expect, os.path.basename(p), stream(f"nifti:{p}?{query}", f"--report {p}.report.json"))

    for cut in (0, 100, 347, 348, 352, 400, len(raw) // 2, len(raw) - 1):
        write(f"cut{cut}", raw[:cut])
    for cut in (5, 10, 30, len(gz) // 2, len(gz) - 8, len(gz) - 4, len(gz) - 1):
        write(f"gzcut{cut}", gz[:cut], ".nii.gz")
    for i in range(8):
        b = bytearray(gz)
        at = random.Random(i).randrange(20, len(b) - 8)
        b[at] ^= 0x55
        write(f"gzflip{i}", bytes(b), ".nii.gz")
    b = bytearray(gz)
    b[-1] ^= 1
    write("gzisize", bytes(b), ".nii.gz")
    b = bytearray(gz)
    b[-6] ^= 1
    write("gzcrc", bytes(b), ".nii.gz")
    write("gzconcat", gz + b"trailing junk", ".nii.gz", expect="any")

    def header(**fields):
        h = bytearray(raw[:352])
        offsets = {"sizeof_hdr": (0, "<i"), "dim0": (40, "<h"), "dim1": (42, "<h"), "dim2": (44, "<h"), "dim3": (46, "<h"), "dim4": (48, "<h"),
                   "datatype": (70, "<h"), "bitpix": (72, "<h"), "vox_offset": (108, "<f"), "scl_slope": (112, "<f"), "pixdim1": (80, "<f")}
        for k, v in fields.items():
            at, fmt = offsets[k]
            h[at:at + struct.calcsize(fmt)] = struct.pack(fmt, v)
        return h

    body = raw[352:]
    for tag, fields in (("sizeof0", {"sizeof_hdr": 0}), ("sizeofbig", {"sizeof_hdr": 540}), ("dim0zero", {"dim0": 0}), ("dim0eight", {"dim0": 8}),
                        ("dim0neg", {"dim0": -1}), ("dimneg", {"dim1": -32}), ("dimzero", {"dim2": 0}), ("dimmax", {"dim1": 32767, "dim2": 32767, "dim3": 32767}),
                        ("dim4big", {"dim0": 4, "dim4": 32767}), ("dtype0", {"datatype": 0}), ("dtype999", {"datatype": 999}), ("dtypec64", {"datatype": 32, "bitpix": 64}),
                        ("bitpix3", {"bitpix": 3}), ("voxoff-big", {"vox_offset": 1e9}), ("voxoff-neg", {"vox_offset": -100}), ("voxoff-nan", {"vox_offset": float("nan")}),
                        ("slope-nan", {"scl_slope": float("nan")}), ("slope-inf", {"scl_slope": float("inf")}), ("pixdim-nan", {"pixdim1": float("nan")})):
        # NIfTI-1: a slope of 0 or not finite means no scaling; pixdim is unused beside a valid sform. Readable either way.
        harmless = tag.startswith(("slope-", "pixdim-"))
        write(f"hdr-{tag}", bytes(header(**fields)) + body, expect="any" if harmless else "bad")
        write(f"hdrgz-{tag}", zlib_gzip(bytes(header(**fields)) + body), ".nii.gz", expect="any" if harmless else "bad")
    # Self-consistent and huge: 16384×16384×2 int16 (1 GiB), 1×32767×32767 uint8 sliced along x.
    for tag, dims, dtype, bitpix, query in (("huge16k", (16384, 16384, 2), 4, 16, "fps=200"), ("x32767", (1, 32767, 32767), 2, 8, "axis=x&fps=200"),
                                             ("y32767", (32767, 1, 32767), 2, 8, "axis=y&fps=200"), ("z16k-many", (128, 128, 30000), 2, 8, "fps=200&frames=3")):
        p = os.path.join(base, tag + ".nii")
        h = header(dim0=3, dim1=dims[0], dim2=dims[1], dim3=dims[2], datatype=dtype, bitpix=bitpix, vox_offset=352.0)
        with open(p, "wb") as f:
            f.write(bytes(h))
            f.truncate(352 + dims[0] * dims[1] * dims[2] * bitpix // 8)
        case("nifti", "bad" if tag != "z16k-many" else "any", os.path.basename(p), stream(f"nifti:{p}?{query}"))
    case("nifti", "bad", "axis=w", stream(f"nifti:{goodgz}?axis=w"))
    case("nifti", "bad", "good.nii.gz", stream(f"nifti:{goodgz}?volume=5"))
    case("nifti", "bad", "missing.nii", stream(f"nifti:{base}/missing.nii"))
    os.mkfifo(os.path.join(base, "fifo.nii"))
    case("nifti", "bad", "fifo.nii", stream(f"nifti:{base}/fifo.nii"))
    case("nifti", "bad", "nifti", stream(f"nifti:{base}"))


def zlib_gzip(data):
    import gzip
    return gzip.compress(data, mtime=0)


# ---------------------------------------------------------------- images / TIFF
def image_cases(w):
    from PIL import Image
    base = os.path.join(w, "images")
    os.makedirs(base, exist_ok=True)

    def folder(tag, n=6):
        d = os.path.join(base, tag)
        os.makedirs(d, exist_ok=True)
        for i in range(n):
            Image.fromarray(np.random.default_rng(i).integers(0, 255, size=(64, 64)).astype(np.uint8)).save(os.path.join(d, f"img{i:02d}.png"))
        return d

    d = folder("good")
    case("images", "ok", "", stream(f"folder:{d}?fps=200"))
    png = open(os.path.join(d, "img00.png"), "rb").read()

    def broken(tag, make, victim="img03.png"):
        d = folder(tag)
        p = os.path.join(d, victim)
        if os.path.exists(p):
            os.remove(p)
        make(p)
        case("images", "bad", victim, stream(f"folder:{d}?fps=200", f"--report {d}.report.json"))

    def ihdr(width, height):
        b = bytearray(png)
        b[16:24] = struct.pack(">II", width, height)
        b[29:33] = struct.pack(">I", zlib.crc32(bytes(b[12:29])))
        return bytes(b)

    for cut in (0, 8, 20, 33, len(png) // 2, len(png) - 12):
        broken(f"cut{cut}", lambda p, c=cut: open(p, "wb").write(png[:c]))
    broken("ihdr-huge", lambda p: open(p, "wb").write(ihdr(100000, 100000)))
    broken("ihdr-wide", lambda p: open(p, "wb").write(ihdr(2 ** 31 - 1, 1)))
    broken("ihdr-16k", lambda p: open(p, "wb").write(ihdr(20000, 20000)))
    broken("ihdr-zero", lambda p: open(p, "wb").write(ihdr(0, 64)))
    broken("text", lambda p: open(p, "w").write("hello\n" * 100))
    broken("fifo", lambda p: os.mkfifo(p))
    broken("subdir", lambda p: os.mkdir(p))
    broken("devzero", lambda p: os.symlink("/dev/zero", p))
    broken("jpg-cut", lambda p: (Image.fromarray(np.zeros((64, 64), np.uint8)).save(p + ".jpg"), open(p, "wb").write(open(p + ".jpg", "rb").read()[:200]), os.remove(p + ".jpg")), victim="img03.jpg")
    broken("size-mixed", lambda p: Image.fromarray(np.zeros((32, 80), np.uint8)).save(p))
    for i in range(4):
        def flip(p, i=i):
            b = bytearray(png)
            at = random.Random(i).randrange(33, len(b) - 12)
            b[at] ^= 0xFF
            open(p, "wb").write(bytes(b))
        broken(f"flip{i}", flip)
    os.makedirs(os.path.join(base, "empty"), exist_ok=True)
    case("images", "bad", "empty", stream(f"folder:{base}/empty"))
    # TIFF stacks (PIL multi-page).
    tif = os.path.join(base, "good.tif")
    pages = [Image.fromarray(np.random.default_rng(i).integers(0, 255, size=(48, 48)).astype(np.uint8)) for i in range(5)]
    pages[0].save(tif, save_all=True, append_images=pages[1:])
    case("images", "ok", "", stream(f"tiff:{tif}?fps=200"))
    t = open(tif, "rb").read()
    for cut in (0, 4, 8, 100, len(t) // 2, len(t) - 10):
        p = os.path.join(base, f"tcut{cut}.tif")
        open(p, "wb").write(t[:cut])
        case("images", "bad", os.path.basename(p), stream(f"tiff:{p}?fps=200"))
    for i in range(4):
        b = bytearray(t)
        at = random.Random(i).randrange(8, len(b))
        b[at] ^= 0xFF
        p = os.path.join(base, f"tflip{i}.tif")
        open(p, "wb").write(bytes(b))
        case("images", "any", os.path.basename(p), stream(f"tiff:{p}?fps=200"))
    # A TIFF whose first IFD claims an absurd image (ImageWidth / ImageLength patched).
    b = bytearray(t)
    ifd = struct.unpack("<I", b[4:8])[0]
    n = struct.unpack("<H", b[ifd:ifd + 2])[0]
    for k in range(n):
        e = ifd + 2 + 12 * k
        tag, typ = struct.unpack("<HH", b[e:e + 4])
        if tag in (256, 257):
            b[e + 2:e + 4] = struct.pack("<H", 4)
            b[e + 8:e + 12] = struct.pack("<I", 1_000_000)
    p = os.path.join(base, "tbig.tif")
    open(p, "wb").write(bytes(b))
    case("images", "bad", "tbig.tif", stream(f"tiff:{p}?fps=200"))
    d = os.path.join(base, "tiffdir")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "a.tif"), "wb").write(t)
    open(os.path.join(d, "b.tif"), "wb").write(t[:len(t) // 2])
    # tiff:DIR reads each file's first page, and b.tif's first page is intact.
    case("images", "any", "b.tif", stream(f"tiff:{d}?fps=200"))


# ---------------------------------------------------------------- recordings
def packb(o):
    """A minimal MessagePack encoder (maps, lists, str, int, bool, None, bytes)."""
    if o is None:
        return b"\xc0"
    if o is True:
        return b"\xc3"
    if o is False:
        return b"\xc2"
    if isinstance(o, int):
        if 0 <= o < 128:
            return bytes([o])
        return b"\xd3" + struct.pack(">q", o)
    if isinstance(o, float):
        return b"\xcb" + struct.pack(">d", o)
    if isinstance(o, str):
        s = o.encode()
        return b"\xdb" + struct.pack(">I", len(s)) + s
    if isinstance(o, bytes):
        return b"\xc6" + struct.pack(">I", len(o)) + o
    if isinstance(o, (list, tuple)):
        return b"\xdd" + struct.pack(">I", len(o)) + b"".join(packb(x) for x in o)
    if isinstance(o, dict):
        return b"\xdf" + struct.pack(">I", len(o)) + b"".join(packb(k) + packb(v) for k, v in o.items())
    raise TypeError(o)


def record(kind, payload):
    prefix = bytes([ord(kind), 0, 0, 0]) + struct.pack("<I", len(payload))
    return prefix + struct.pack("<I", zlib.crc32(prefix + payload)) + payload


MAGIC = b"\x89MSREC\r\n" + struct.pack("<I", 2)


def records(data):
    """(offset, kind, length) of each record of a session file."""
    out, at = [], 12
    while at + 12 <= len(data):
        kind, length = data[at], struct.unpack("<I", data[at + 4:at + 8])[0]
        if at + 12 + length > len(data) or kind not in b"HFE":
            break
        out.append((at, chr(kind), length))
        at += 12 + length
    return out


def recording_cases(w, session):
    base = os.path.join(w, "rec")
    os.makedirs(base, exist_ok=True)
    data = open(session, "rb").read()
    recs = records(data)
    frames = [r for r in recs if r[1] == "F"]
    header = recs[0]

    def commands(p, expect, every=False):
        n = os.path.basename(p)
        case("rec", expect, n, f"$M info {p}")
        case("rec", expect, n, f"$M score {p} --out {p}-score")
        if every:
            case("rec", expect, n, f"$M replay {p} --max --model $OX --threads 1")
            case("rec", expect, n, f"$M export {p} --out {p}-export")

    def write(tag, b, expect="bad", every=False):
        p = os.path.join(base, tag + ".msgpack")
        open(p, "wb").write(b)
        commands(p, expect, every)

    case("rec", "ok", "", f"$M info {session}")
    case("rec", "ok", "", f"$M score {session} --out {base}/good-score")
    case("rec", "ok", "", f"$M export {session} --out {base}/good-export")
    cuts = sorted({0, 4, 11, 12, 20, header[0] + 12 + header[2] - 1, frames[0][0] + 5, frames[1][0] + frames[1][2] // 2, frames[-1][0] + 12 + frames[-1][2], len(data) - 20, len(data) - 1})
    last_frame_end = frames[-1][0] + 12 + frames[-1][2]
    for i, cut in enumerate(cuts):
        # Cut after the last frame record (inside the footer or trailer): every frame is intact; `info` says the footer is missing.
        write(f"cut{cut}", data[:cut], expect="any" if cut >= last_frame_end else "bad", every=i % 3 == 0)
    for i in range(10):
        b = bytearray(data)
        at = random.Random(100 + i).randrange(12, len(b))
        b[at] ^= 0x01 << (i % 8)
        write(f"flip{i}", bytes(b), every=i < 2)
    # Length prefixes of 2^31 and 2^32 − 1 on the header and on a frame record.
    for tag, rec in (("hdr", header), ("frame", frames[1])):
        for length in (2 ** 31, 2 ** 32 - 1, 2 ** 31 - 1):
            b = bytearray(data)
            b[rec[0] + 4:rec[0] + 8] = struct.pack("<I", length)
            write(f"len-{tag}-{length}", bytes(b), every=tag == "frame" and length == 2 ** 31)
            b[rec[0] + 8:rec[0] + 12] = struct.pack("<I", zlib.crc32(bytes(b[rec[0]:rec[0] + 8]) + bytes(b[rec[0] + 12:rec[0] + 12 + rec[2]])))
    rest = data[header[0] + 12 + header[2]:]
    good_header = {"format": "medseg-recording", "version": 2, "started_utc": "2026-01-01T00:00:00Z", "source": "campaign", "width": 128, "height": 128,
                   "pixel_format": "gray8", "mask_width": 128, "mask_height": 128, "clock_hz": 10_000_000, "stage_names": ["captured"], "model": None,
                   "classes": ["background", "lesion"], "class_colors": ["#000000", "#ff0000"], "tags": {}, "image_codec": "raw", "mask_codec": "rle", "probabilities": False, "tool": "campaign"}
    # msgpack bombs in the header: a 2^32 − 1 entry array, a 2^31 string, 100 000 nested arrays, a 1e6 entry map.
    bombs = {"array": b"\xdd\xff\xff\xff\xff", "str": b"\xdb\x80\x00\x00\x00", "nest": b"\x91" * 100000 + b"\xc0", "map": b"\xdf\x00\x0f\x42\x40" + b"\xc0\xc0" * 10,
             "bin": b"\xc6\x7f\xff\xff\xff", "ext": b"\xc9\x7f\xff\xff\xff\x01"}
    for tag, bomb in bombs.items():
        payload = b"\x81" + b"\xa4tags" + bomb
        write(f"bomb-{tag}", MAGIC + record("H", payload) + rest)
        h = dict(good_header)
        payload = packb(h)[:-0] if False else None
        # The bomb as one value of an otherwise valid header.
        enc = b"\xdf" + struct.pack(">I", len(h)) + b"".join(packb(k) + (bomb if k == "source" else packb(v)) for k, v in h.items())
        write(f"bombval-{tag}", MAGIC + record("H", enc) + rest)
    # A frame record that is a bomb.
    write("bomb-frame", data[:frames[0][0]] + record("F", b"\x81\xa5image" + bombs["array"]) + data[frames[0][0]:])
    # Header values: 0×0 frames, missing keys, wrong types, absurd sizes.
    for tag, change in (("zero", {"width": 0, "height": 0}), ("neg", {"width": -5}), ("huge", {"width": 1 << 40, "height": 1 << 40}),
                        ("mask0", {"mask_width": 0, "mask_height": 0}), ("fmt", {"pixel_format": "rgb48"}), ("codec", {"image_codec": "jpeg2000"}),
                        ("wrongtype", {"width": "128"}), ("classes0", {"classes": []}), ("clock0", {"clock_hz": 0}), ("format", {"format": "something-else"}),
                        ("version9", {"version": 9})):
        h = dict(good_header)
        h.update(change)
        # No mask size in the header is allowed (masks are then checked plane against plane).
        write(f"hdr-{tag}", MAGIC + record("H", packb(h)) + rest, expect="any" if tag == "mask0" else "bad", every=tag == "zero")
    for key in ("format", "width", "height", "pixel_format", "classes", "image_codec", "version"):
        h = {k: v for k, v in good_header.items() if k != key}
        # image_codec only describes the file: every plane names its own encoding.
        write(f"hdr-no-{key}", MAGIC + record("H", packb(h)) + rest, expect="any" if key == "image_codec" else "bad")
    write("hdr-only-format", MAGIC + record("H", packb({"format": "medseg-recording"})) + rest)
    write("hdr-all-but-format", MAGIC + record("H", packb({k: v for k, v in good_header.items() if k != "format"})) + rest)
    write("magic", b"\x89MSREX\r\n" + data[8:])
    write("version99", data[:8] + struct.pack("<I", 99) + data[12:])
    write("empty", b"")
    write("reserved", data[:frames[0][0] + 1] + b"\x07" + data[frames[0][0] + 2:])
    os.mkfifo(os.path.join(base, "fifo.msgpack"))
    case("rec", "bad", "fifo.msgpack", f"$M info {base}/fifo.msgpack")
    case("rec", "bad", "missing.msgpack", f"$M info {base}/missing.msgpack")
    case("rec", "bad", "rec", f"$M info {base}")
    case("rec", "bad", "cut4.msgpack", f"$M video {base}/cut4.msgpack --out {base}/cut4.mp4")
    case("rec", "bad", "hdr-zero.msgpack", f"$M video {base}/hdr-zero.msgpack --out {base}/z.mp4")


# ---------------------------------------------------------------- OpenIGTLink
def igtl_cases(w):
    port = 23000
    src = "igtl://127.0.0.1:{p}?frames=6&retries=3&backoff=100&maxbackoff=400&timeout=1000"
    for mode, expect in (("good", "ok"), ("refuse", "bad"), ("close", "bad"), ("garbage", "bad"), ("huge", "bad"), ("midheader", "bad"),
                         ("midbody", "bad"), ("badcrc", "bad"), ("reconnect", "ok"), ("wrongtype", "bad"), ("bigimage", "bad"), ("zeroimage", "bad"),
                         ("slowdrip", "any"), ("badheader", "bad"), ("oddvalues", "bad")):
        port += 1
        name = f"127.0.0.1:{port}"
        server = "" if mode == "refuse" else f"/usr/bin/python3 $W/gen.py igtl {mode} {port} & s=$!; {wait_listening(port)}; "
        tail = "" if mode == "refuse" else "; rc=$?; kill $s 2>/dev/null; wait $s 2>/dev/null; exit $rc"
        case("igtl", expect, name, server + stream(src.format(p=port), f"--report $W/igtl-{mode}.report.json") + tail)
    # The default 5 s message deadline, without timeout=.
    port += 1
    case("igtl", "bad", f"127.0.0.1:{port}", f"/usr/bin/python3 $W/gen.py igtl midheader {port} & s=$!; {wait_listening(port)}; "
         + stream(f"igtl://127.0.0.1:{port}?frames=6&retries=2&backoff=100") + "; rc=$?; kill $s 2>/dev/null; wait $s 2>/dev/null; exit $rc")
    case("igtl", "bad", "igtl", stream("igtl://nohost.invalid:1?retries=1&frames=2"))
    case("igtl", "bad", "igtl", stream("igtl://127.0.0.1:99999"))
    case("igtl", "bad", "igtl", stream("igtl:/127.0.0.1"))
    case("igtl", "bad", "maxbody", stream("igtl://127.0.0.1:1?maxbody=-1"))


def wait_listening(port):
    """Bash that waits (≤ 10 s) until the campaign's server listens: Python starts slowly on a loaded machine."""
    return f"for i in $(seq 100); do ss -ltn | grep -q ':{port} ' && break; sleep 0.1; done"


def crc64(data, table=[]):
    if not table:
        for i in range(256):
            c = i << 56
            for _ in range(8):
                c = ((c << 1) ^ 0x42F0E1EBA9EA3693) if c & (1 << 63) else (c << 1)
                c &= (1 << 64) - 1
            table.append(c)
    c = 0
    for b in data:
        c = table[((c >> 56) ^ b) & 0xFF] ^ ((c << 8) & ((1 << 64) - 1))
    return c


def igtl_message(kind, body, device="Image", crc=None, size=None):
    h = struct.pack(">H", 1) + kind.encode().ljust(12, b"\0") + device.encode().ljust(20, b"\0")
    h += struct.pack(">QQQ", int(time.time()) << 32, len(body) if size is None else size, crc64(body) if crc is None else crc)
    return h + body


def igtl_image(width=64, height=64, seq=0, scalar=3, comps=1, size=None):
    size = size or (width, height, 1)
    header = struct.pack(">HBBBB", 1, comps, scalar, 1, 1) + struct.pack(">HHH", *size)
    header += struct.pack(">12f", 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0) + struct.pack(">HHH", 0, 0, 0) + struct.pack(">HHH", *size)
    pixels = bytes((seq * 7 + i) & 0xFF for i in range(min(size[0] * size[1] * size[2] * comps * (1 if scalar == 3 else 2), 1 << 20)))
    return header + pixels


def igtl_server(mode, port):
    """One misbehaviour per mode; serves a few connections, then stops listening (so retries end)."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(4)
    import threading
    threads = []
    for n in range(3):
        ls.settimeout(20)
        try:
            c, _ = ls.accept()
        except OSError:
            break
        # Each connection on its own thread: a stalled one must not keep the next waiting in the backlog.
        t = threading.Thread(target=serve, args=(mode, c))
        t.start()
        threads.append(t)
        if mode == "reconnect":
            t.join()
    ls.close()
    for t in threads:
        t.join()


def serve(mode, c):
    """One connection of igtl_server."""
    try:
        if mode == "good":
            for i in range(8):
                c.sendall(igtl_message("IMAGE", igtl_image(seq=i)))
                time.sleep(0.04)
            time.sleep(3)
        elif mode == "close":
            pass
        elif mode == "garbage":
            c.sendall(os.urandom(200_000))
        elif mode == "huge":
            c.sendall(igtl_message("IMAGE", b"", size=1 << 40)[:58])
            time.sleep(2)
        elif mode == "midheader":
            c.sendall(igtl_message("IMAGE", igtl_image())[:20])
            time.sleep(12)
        elif mode == "midbody":
            c.sendall(igtl_message("IMAGE", igtl_image())[:58 + 100])
            time.sleep(3)
        elif mode == "badcrc":
            for i in range(4):
                c.sendall(igtl_message("IMAGE", igtl_image(seq=i), crc=12345))
            time.sleep(2)
        elif mode == "reconnect":
            # 3 frames per connection, then the connection drops: frames=6 must end on the second.
            for i in range(3):
                c.sendall(igtl_message("IMAGE", igtl_image(seq=i)))
                time.sleep(0.04)
            time.sleep(0.3)
        elif mode == "wrongtype":
            for i in range(4):
                c.sendall(igtl_message("STATUS", b"\0" * 30))
            time.sleep(2)
        elif mode == "bigimage":
            c.sendall(igtl_message("IMAGE", igtl_image(size=(65535, 65535, 1))[:72] + b"\0" * 1000))
            time.sleep(2)
        elif mode == "zeroimage":
            c.sendall(igtl_message("IMAGE", igtl_image(size=(0, 0, 0))[:72]))
            time.sleep(2)
        elif mode == "slowdrip":
            m = igtl_message("IMAGE", igtl_image())
            for k in range(0, len(m), 512):
                c.sendall(m[k:k + 512])
                time.sleep(0.05)
            time.sleep(2)
        elif mode == "badheader":
            c.sendall(b"\xff\xff" + b"\x01" * 56)
            time.sleep(2)
        elif mode == "oddvalues":
            c.sendall(igtl_message("IMAGE", igtl_image(scalar=99)))
            c.sendall(igtl_message("IMAGE", igtl_image(comps=4)))
            time.sleep(2)
    except OSError:
        pass
    finally:
        c.close()


# ---------------------------------------------------------------- CLI mistakes and outputs
def cli_cases(w, session):
    ro = os.path.join(w, "ro")
    os.makedirs(ro, exist_ok=True)
    open(os.path.join(w, "afile"), "w").write("x")
    # Read-only: a folder without write permission (ineffective as root), a path under a regular
    # file (ENOTDIR whoever runs it) and /proc (EACCES/ENOENT even for root).
    outs = [f"{w}/afile/out", "/proc/medseg-campaign/out"]
    if os.geteuid() != 0:
        os.chmod(ro, 0o555)
        outs.append(f"{ro}/out")
    src = "synthetic:lesion?frames=4&fps=200"
    for out in outs:
        name = out.split("/")[-2]
        case("cli", "bad", name, f"$M stream --model $OX --threads 1 --source '{src}' --report {out}.json")
        case("cli", "bad", name, f"$M stream --model $OX --threads 1 --source '{src}' --record {out}.msgpack")
        case("cli", "bad", name, f"$M record --model $OX --threads 1 --source '{src}' --out {out}.msgpack")
        case("cli", "bad", name, f"$M record --model $OX --threads 1 --source '{src}' --out $W/ok-{name}.msgpack --overwrite --report {out}.json")
        case("cli", "bad", name, f"$M export {session} --out {out}")
        # The session has no patient geometry: refused for that, naming the session, before the folder is touched.
        case("cli", "bad", os.path.basename(session), f"$M export {session} --format nifti --out {out}")
        case("cli", "bad", name, f"$M score {session} --out {out}")
        case("cli", "bad", name, f"$M video {session} --out {out}.mp4")
        case("cli", "bad", name, f"$M export-onnx $CK --out {out}.onnx")
        case("cli", "bad", name, f"$M train --data 'synthetic:lesion?n=8&size=32' --epochs 1 --no-plan --size 32 --out {out}")
        case("cli", "bad", name, f"$M compare $CK $CK --data 'synthetic:lesion?n=4&size=64' --out {out}")
        case("cli", "bad", name, f"$M eval --model $CK --data 'synthetic:lesion?n=4&size=64' --out {out}")
        case("cli", "bad", name, f"$M replay {session} --max --model $OX --threads 1 --record {out}.msgpack")
        case("cli", "bad", name, f"$M plan --data 'synthetic:lesion?n=8&size=32' --budget 1 --out {out}")
    # A full disk (ulimit -f, SIGXFSZ ignored so writes fail with EFBIG).
    # CoreCLR's W^X double mapping needs a file larger than the limit: off, or dotnet does not start.
    full = "trap '' XFSZ; ulimit -f 64; export DOTNET_EnableWriteXorExecute=0; "
    case("cli", "bad", "full.msgpack", full + f"$M record --model $OX --threads 1 --source 'synthetic:lesion?frames=40&fps=200' --out $W/full.msgpack --overwrite")
    case("cli", "bad", "fullstream.msgpack", full + f"$M stream --model $OX --threads 1 --source 'synthetic:lesion?frames=40&fps=200' --record $W/fullstream.msgpack --overwrite")
    # ulimit -f caps each file, not the disk: writers of small files may finish (any), but none may crash or hang.
    case("cli", "any", "fullexport", full + f"$M export {session} --out $W/fullexport")
    case("cli", "any", "fullscore", full.replace("64", "8") + f"$M score {session} --out $W/fullscore")
    case("cli", "any", "full.mp4", full.replace("64", "16") + f"$M video {session} --out $W/full.mp4")
    case("cli", "any", "full.onnx", full.replace("64", "16") + f"$M export-onnx $CK --out $W/full.onnx")
    # (train is left to the tmpfs below: libtorch itself fails an internal assert under a 16 KiB ulimit -f.)
    case("cli", "any", "fullreplay.msgpack", full + f"$M replay {session} --max --model $OX --threads 1 --record $W/fullreplay.msgpack")
    # A real full disk: a 256 KiB tmpfs that campaign.sh mounts at $W/fulldisk when it runs as root.
    if os.path.ismount(os.path.join(w, "fulldisk")):
        fd = "$W/fulldisk"
        for tag, cmd in (("record", f"$M record --model $OX --threads 1 --source 'synthetic:lesion?frames=60&fps=200' --out {fd}/rec$$.msgpack"),
                         ("stream", f"$M stream --model $OX --threads 1 --source 'synthetic:lesion?frames=60&fps=200' --record {fd}/str$$.msgpack"),
                         ("export", f"$M export {session} --out {fd}/export$$"),
                         ("score", f"$M score {session} --out {fd}/score$$"), ("video", f"$M video {session} --out {fd}/video$$.mp4"),
                         ("onnx", f"$M export-onnx $CK --out {fd}/m$$.onnx"), ("replay", f"$M replay {session} --max --model $OX --threads 1 --record {fd}/rep$$.msgpack"),
                         ("train", f"$M train --data 'synthetic:lesion?n=8&size=32' --epochs 1 --no-plan --size 32 --out {fd}/train$$"),
                         ("eval", f"$M eval --model $CK --data 'synthetic:lesion?n=4&size=64' --out {fd}/eval$$"),
                         ("report", f"$M stream --model $OX --threads 1 --source 'synthetic:lesion?frames=4&fps=200' --report {fd}/report$$.json")):
            case("cli", "any", "fulldisk", cmd)
    # Existing outputs.
    case("cli", "bad", "exists.msgpack", f"touch $W/exists.msgpack; $M record --model $CK --engine onnx --source '{src}' --out $W/exists.msgpack")
    case("cli", "bad", "exists.msgpack", f"touch $W/exists.msgpack; $M stream --model $CK --engine onnx --source '{src}' --record $W/exists.msgpack")
    # Parse errors and ranges: the option as typed must be named.
    commands = {
        "stream": f"--model $CK --source '{src}'", "record": f"--model $CK --source '{src}' --out $W/o$$-r.msgpack --overwrite",
        "replay": f"{session} --max", "video": f"{session} --out $W/o$$-v.mp4", "train": "--data 'synthetic:lesion?n=8&size=32' --no-plan --out $W/o$$-t",
        "eval": "--model $CK --data 'synthetic:lesion?n=4&size=64' --out $W/o$$-e", "export-onnx": "$CK --out $W/o$$-m.onnx", "bench": "--out $W/o$$-b",
        "score": f"{session} --out $W/o$$-s", "export": f"{session} --out $W/o$$-x", "compare": "$CK $CK --data 'synthetic:lesion?n=4&size=64' --out $W/o$$-c",
        "plan": "--data 'synthetic:lesion?n=8&size=32' --out $W/o$$-p", "info": session, "demo": "--headless", "quickstart": "--out $W/o$$-q",
    }
    for cmd, args in commands.items():
        case("cli", "bad", "--no-such-option", f"$M {cmd} {args} --no-such-option 3")
    for cmd in ("stream", "record", "eval"):
        case("cli", "bad", "--model", f"$M {cmd} --source '{src}'")
    case("cli", "bad", "--out", f"$M record --model $CK --source '{src}'")
    case("cli", "bad", "--data", "$M train")
    case("cli", "bad", "no-such-command", "$M no-such-command")
    ranges = {
        "stream": [("--max-batch", "0"), ("--max-batch", "-1"), ("--max-batch", "abc"), ("--max-wait-ms", "-5"), ("--threads", "-3"), ("--threshold", "2"),
                   ("--threshold", "nan"), ("--smooth", "0"), ("--smooth", "1.5"), ("--mode", "sideways"), ("--engine", "tpu"), ("--device", "quantum")],
        "record": [("--max-batch", "100000"), ("--threads", "-3"), ("--fsync", "-2"), ("--fsync", "sometimes"), ("--image-codec", "jpeg"), ("--tag", "novalue")],
        "replay": [("--speed", "0"), ("--speed", "-2"), ("--fps", "-1"), ("--frames", "-1"), ("--threads", "-3")],
        "video": [("--opacity", "5"), ("--opacity", "-1"), ("--fps", "0"), ("--fps", "1e9"), ("--mode", "Sketch")],
        "train": [("--epochs", "0"), ("--epochs", "-1"), ("--batch-size", "0"), ("--lr", "-1"), ("--lr", "nan"), ("--val-fraction", "1.5"), ("--depth", "0"),
                  ("--depth", "20"), ("--base", "0"), ("--dropout", "2"), ("--size", "33"), ("--patch", "-4"), ("--median-blur", "4"), ("--threads", "-3"),
                  ("--budget", "-1"), ("--rotate", "-720"), ("--vflip", "3"), ("--window", "5,1"), ("--loss", "mse"), ("--norm", "magic"), ("--color", "cmyk")],
        "eval": [("--batch-size", "0"), ("--samples", "-1"), ("--threshold", "-0.5"), ("--threads", "-3")],
        "export-onnx": [("--opset", "99"), ("--opset", "5"), ("--threshold", "2"), ("--head", "tail")],
        "bench": [("--sizes", "0"), ("--batches", "-1"), ("--iterations", "0"), ("--streams", "0"), ("--stream-fps", "-25"), ("--soak-fps", "0"), ("--thread-counts", "-1"), ("--engines", "tpu")],
        "score": [("--hd95-convention", "mean")],
        "export": [("--format", "jpeg"), ("--masks", "Guess")],
        "compare": [("--worst", "-1"), ("--threads", "-3")],
        "plan": [("--budget", "-5"), ("--threads", "-3")],
        "demo": [("--threads", "-3"), ("--max-batch", "0")],
    }
    for cmd, items in ranges.items():
        for opt, value in items:
            case("cli", "bad", opt, f"$M {cmd} {commands[cmd]} {opt} {value}")
    # Specs: missing, empty, not YAML, unknown key, out of range.
    for tag, text in (("empty", ""), ("garbage", "\x00\x01\x02 not: [yaml"), ("unknown", "nosuchsection: 1\n"), ("range", "sources:\n  - uri: 'synthetic:lesion?frames=4'\nbatcher:\n  maxBatch: 0\n"),
                      ("source", "sources:\n  - uri: 'warp:drive'\n")):
        p = os.path.join(w, f"spec-{tag}.yaml")
        open(p, "w").write(text)
        case("cli", "bad", "maxBatch" if tag == "range" else f"spec-{tag}.yaml" if tag != "source" else "warp", f"$M run {p} --model $CK")
    case("cli", "bad", "missing.yaml", f"$M run {w}/missing.yaml")
    # Sources named wrong.
    for spec, name in (("warp:drive", "warp"), ("synthetic:dragon", "dragon"), ("synthetic:lesion?fps=-1", "fps"), ("synthetic:lesion?frames=abc", "frames"),
                       ("synthetic:lesion?bogus=1", "bogus"), ("video:/nonexistent.mp4", "nonexistent.mp4"), ("recording:/nonexistent.msgpack", "nonexistent.msgpack")):
        case("cli", "bad", name, stream(spec))
    # Models that are not models.
    for tag, content in (("empty.ckpt", b""), ("junk.ckpt", os.urandom(5000)), ("junk.onnx", os.urandom(5000))):
        p = os.path.join(w, tag)
        open(p, "wb").write(content)
        case("cli", "bad", tag, f"$M stream --model {p} --source '{src}'")
    ck = open(os.path.join(os.environ.get("CAMPAIGN_ROOT", "."), "models/lesion-unet16.ckpt"), "rb").read()
    for cut in (100, len(ck) // 2):
        p = os.path.join(w, f"cut{cut}.ckpt")
        open(p, "wb").write(ck[:cut])
        case("cli", "bad", os.path.basename(p), f"$M stream --model {p} --source '{src}'")
        case("cli", "bad", os.path.basename(p), f"$M export-onnx {p} --out $W/cut.onnx")


def main():
    if sys.argv[1] == "igtl":
        igtl_server(sys.argv[2], int(sys.argv[3]))
        return
    w = os.path.abspath(sys.argv[2])
    session = sys.argv[3]
    os.makedirs(w, exist_ok=True)
    only = set(sys.argv[4].split(",")) if len(sys.argv) > 4 and sys.argv[4] else None
    for group, make in (("dicom", lambda: dicom_cases(w)), ("nifti", lambda: nifti_cases(w)), ("images", lambda: image_cases(w)),
                        ("rec", lambda: recording_cases(w, session)), ("igtl", lambda: igtl_cases(w)), ("cli", lambda: cli_cases(w, session))):
        if only is None or group in only:
            make()
    with open(os.path.join(w, "cases.tsv"), "w") as f:
        for c in CASES:
            assert "\t" not in c[4] and "\n" not in c[4], c
            f.write("\t".join(x if x else "-" for x in c) + "\n")
    print(f"{len(CASES)} cases in {w}/cases.tsv")


if __name__ == "__main__":
    main()
