#!/usr/bin/env bash
# One-time (idempotent) set-up of a fresh Debian 12 / Ubuntu machine that has the .NET 10 SDK:
# native packages, NuGet restore and build. The TorchSharp libstdc++ fix runs inside the build
# (build/TorchNativeFix.targets) and only where the system libstdc++ lacks GLIBCXX_3.4.32.
# As root it installs missing Debian packages with apt-get; otherwise it prints the exact
# command to run and stops.
# With --tests it also installs the real tools the test suite drives (dcmtk, ffmpeg, the
# OpenIGTLink example server and its headers, g++ to build it); with --real-data what
# bench/real/ needs (mricron-data, Debian's numpy, nibabel, Pillow, SciPy and PyTorch).
set -euo pipefail
with_tests=0
with_real_data=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tests) with_tests=1; shift ;;
    --real-data) with_real_data=1; shift ;;
    *) break ;;
  esac
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH): https://learn.microsoft.com/dotnet/core/install/linux" >&2
  exit 1
fi

# Debian packages the project needs at run time, and why.
packages=(
  libgtk-3-0          # OpenCvSharp4.official.runtime.linux-x64 links against GTK 3
  fontconfig          # ScottPlot / SkiaSharp text in the training-curve and eval PNGs
  fonts-dejavu-core
  libegl1             # headless OpenGL: EGL + Mesa llvmpipe (the renderer's off-screen context)
  libegl-mesa0
  libgl1-mesa-dri
  libglfw3            # the demo window (GLFW)
  ffmpeg              # H.264 MP4 of the rendered overlay (without it: mp4v via OpenCV)
)
if [ "$with_tests" -eq 1 ]; then
  packages+=(
    xvfb                   # the window test runs GLFW under its own Xvfb
    xauth
    dcmtk                  # writes and dumps the DICOM files the DICOM reader is tested against
    libopenigtlink-dev     # headers + library to build the OpenIGTLink example server
    openigtlink-examples   # ImagerServer.cxx / ReceiveServer.cxx and their sample images
    python3-nibabel        # writes the .nii.gz files the NIfTI damage tests corrupt (/usr/bin/python3)
    python3-numpy
    g++
    dicom3tools            # dciodvfy: the reference IOD validator every exported DICOM SEG must pass
    python3-nibabel        # reads exported NIfTI label volumes back, writes NIfTI with sform / qform for the geometry tests
    python3-pydicom        # writes the shuffled CT series of the export test
    python3-onnx           # onnx.checker validates the graphs `medseg export-onnx` writes
    python3-pil            # tutorial_layouts.py writes the tutorials' PNG / JPEG / GIF / TIFF folders the dataset readers are tested on
    mricron-data           # Colin27 T1 MRI + brain-extracted copy + atlases: the real-MRI training checks (issues 10, 11) and the nifti-pair reader
  )
fi
if [ "$with_real_data" -eq 1 ]; then
  packages+=(
    mricron-data           # Colin27 T1 + atlases: bench/real/make_data.py derives the real-data sets from it
    python3-numpy          # make_data.py and the tutorial peer, run with Debian's /usr/bin/python3
    python3-nibabel
    python3-pil
    python3-scipy
    python3-torch          # bench/real/tutorial_unet.py: the plain PyTorch tutorial loop medseg is compared with
  )
fi
# The TorchSharp fix needs g++ (shim) and patchelf (NEEDED entry) only when libstdc++ is too old.
libstdcxx=$(ls /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /lib64/libstdc++.so.6 2>/dev/null | head -n1 || true)
if [ -z "$libstdcxx" ] || ! grep -q GLIBCXX_3.4.32 "$libstdcxx"; then
  packages+=(g++ patchelf)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages. Run this, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

configuration="${MEDSEG_CONFIGURATION:-Release}"
dotnet build MedSeg.Realtime.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly "$@"
