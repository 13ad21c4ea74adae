#!/usr/bin/env bash
# The damage suites with many more generated cases than CI runs (CI: 100–150 per reader).
# Usage: scripts/fuzz.sh [cases per property, default 5000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MEDSEG_FUZZ_ITER="${1:-5000}"
dotnet build "$root/tests/MedSeg.Imaging.Tests" -c Release -nologo -v q -clp:ErrorsOnly
dotnet test "$root/tests/MedSeg.Imaging.Tests" -c Release --no-build --filter "FullyQualifiedName~Damage"
