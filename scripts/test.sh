#!/usr/bin/env bash
# Runs every test: set-up (packages, restore, build, TorchSharp fix), then the xunit suites.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MEDSEG_CONFIGURATION=Release "$root/scripts/setup.sh"
dotnet test MedSeg.Realtime.sln -c Release --no-build -nologo "$@"
