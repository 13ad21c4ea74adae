#!/usr/bin/env bash
# Runs every test: set-up (packages, restore, build, TorchSharp fix), then the xunit suites.
# Ends with one plain "N passed, N failed" line summed over all test projects.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MEDSEG_CONFIGURATION=Release "$root/scripts/setup.sh" --tests
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test MedSeg.Realtime.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?
# vstest prints one "Passed!/Failed! - Failed: a, Passed: b, Skipped: c, Total: d" line per project.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
