#!/usr/bin/env bash
# Bad input and faults, end to end: generates damaged and odd variants of every input kind
# (DICOM, NIfTI, images/TIFF, recordings, OpenIGTLink servers, CLI mistakes, read-only outputs, a
# full disk; scripts/campaign/gen.py), runs each through the built `medseg` with a 30 s timeout
# and /usr/bin/time, and classifies each run:
#   ok           exit 0 on a valid input, or exit 0 naming the bad item as skipped / damaged
#   clear-error  exit 2 and an `error:` line naming the file, option or server
#   unclear      exit 2 without an `error:` line naming it
#   stack-trace  a .NET stack trace on a user error (exit ≠ 70)
#   exit-70      the bug exit
#   hang         still running at 30 s
#   memory       peak RSS above 2 GB
#   silent-skip  exit 0 on a damaged input, the bad item neither counted nor named
#   refused-ok   exit ≠ 0 on a valid input
#   exit-N       any other exit code
# Usage: scripts/campaign.sh [WORKDIR (default /tmp/medseg-campaign)] [groups: dicom,nifti,images,rec,igtl,cli]
#        scripts/campaign.sh --classify WORKDIR   (judge an earlier run again, e.g. after changing the rules)
# Env: CAMPAIGN_JOBS (parallel runs, default 2), CAMPAIGN_TIMEOUT (s, default 30), CAMPAIGN_FILTER (regex on case ids).
# Writes WORKDIR/results.tsv and prints a table: group × outcome. Exit 0 when every run is ok / clear-error.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
W="$(realpath -m "${1:-/tmp/medseg-campaign}")"
groups="${2:-}"
jobs="${CAMPAIGN_JOBS:-2}"
export CAMPAIGN_TIMEOUT="${CAMPAIGN_TIMEOUT:-30}"
py=/usr/bin/python3
dll="$root/src/MedSeg.Cli/bin/Release/net10.0/medseg.dll"

setup() {
  [ -x /usr/bin/time ] || { echo "campaign: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
  dotnet build "$root/src/MedSeg.Cli" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null || { echo "campaign: build failed" >&2; exit 1; }
  umount "$W/fulldisk" 2>/dev/null; chmod -R u+w "$W" 2>/dev/null; rm -rf "$W"; mkdir -p "$W/runs"
  cp "$root/scripts/campaign/gen.py" "$W/gen.py"
  # A copy of the program: a build during the campaign must not change what it tests.
  cp -r "$(dirname "$dll")" "$W/medseg"
  export M="dotnet $W/medseg/medseg.dll" CK="$root/models/lesion-unet16.ckpt" W CAMPAIGN_ROOT="$root" DOTNET_CLI_TELEMETRY_OPTOUT=1

  # A full disk for real when root can mount one (a 256 KiB tmpfs); unmounted when the campaign ends.
  if [ "$(id -u)" = 0 ] && mkdir -p "$W/fulldisk" && mount -t tmpfs -o size=256k medseg-campaign "$W/fulldisk" 2>/dev/null; then
    trap 'umount "$W/fulldisk" 2>/dev/null' EXIT
  fi

  # 1. The model as ONNX (loads in half the time), and a valid session with ground truth written by medseg itself: the recordings' base.
  export OX="$W/model.onnx"
  $M export-onnx "$CK" --out "$OX" >"$W/base.log" 2>&1 || { echo "campaign: export-onnx failed:" >&2; cat "$W/base.log" >&2; exit 1; }
  # 1b. A valid session with ground truth, written by medseg itself: the recordings' base.
  $M record --model "$OX" --threads 1 --source 'synthetic:lesion?frames=8&fps=200' --out "$W/base.msgpack" >>"$W/base.log" 2>&1 \
    || { echo "campaign: recording the base session failed:" >&2; cat "$W/base.log" >&2; exit 1; }
  # 2. The cases.
  $py "$W/gen.py" cases "$W" "$W/base.msgpack" "$groups" || exit 1
}

run_case() {
  local id="$1" d="$W/runs/$1" t0
  mkdir -p "$d"
  printf '%s\t%s\t%s\t%s\n' "$2" "$3" "$4" "$5" >"$d/case"
  t0=$(date +%s.%N)
  timeout -k 5 "$CAMPAIGN_TIMEOUT" /usr/bin/time -f '%M' -o "$d/mem" bash -c "$5" >"$d/out" 2>"$d/err" </dev/null
  echo $? >"$d/rc"
  echo "$(date +%s.%N) - $t0" | bc >"$d/secs"
  classify "$id"
  cut -f1,5,4,6,7,9 "$d/result" | awk -F'\t' '{ printf "%-12s %-12s rc=%-3s %5.1fs %5d MB  %s\n", $1, $3, $2, $4, $5, substr($6, 1, 100) }' >&2
}

classify() {
  local id="$1" d="$W/runs/$1" group expect name cmd rc class mem secs
  IFS=$'\t' read -r group expect name cmd <"$d/case"
  [ "$name" = - ] && name=""
  rc=$(cat "$d/rc"); secs=$(cat "$d/secs")
  mem=$(tail -n 1 "$d/mem" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
  local all; all="$(sed 's/\x1b\[[0-9;]*m//g' "$d/out" "$d/err")"
  local errline; errline="$(grep -m1 -E '^error:' "$d/err" || true)"
  local named=0
  if [ -z "$name" ] || grep -E '^error:' "$d/err" | grep -qiF -- "$name"; then named=1; fi
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then class=hang
  elif [ "$mem" -gt 2097152 ]; then class=memory
  elif [ "$rc" -eq 70 ]; then class=exit-70
  elif grep -qE '^\s+at [A-Za-z_<][^ ]*\(|Unhandled exception' <<<"$all"; then class=stack-trace
  elif [ "$rc" -eq 2 ]; then
    if [ "$expect" = ok ]; then class=refused-ok
    elif [ -n "$errline" ] && [ $named -eq 1 ]; then class=clear-error
    else class=unclear; fi
  elif [ "$rc" -eq 0 ]; then
    # A skipped or damaged item must be named, with a word saying what happened to it.
    if [ "$expect" = bad ] && ! { grep -qiF -- "$name" <<<"$all" && grep -qiE 'skipped [1-9]|damaged|truncated|corrupt|cut off|warning|refused|lost|reconnect|gave up|bad [1-9]|not supported|exceeds' <<<"$all"; }; then
      class=silent-skip
    else class=ok; fi
  elif [ "$expect" = ok ]; then class=refused-ok
  else class="exit-$rc"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t%s\t%s\t%s\n' "$id" "$group" "$expect" "$rc" "$class" "$secs" $((mem / 1024)) "$name" "${errline:0:160}" "$cmd" >"$d/result"
}
export -f run_case classify

filter="${CAMPAIGN_FILTER:-.}"
start=$(date +%s)
if [ "${1:-}" = --classify ]; then
  # Re-judge an earlier campaign's runs (after changing the rules above) without running them again.
  W="$(realpath -m "$2")"
  for d in "$W"/runs/*/; do classify "$(basename "$d")"; done
else
  setup
  grep -E "^[^	]*(${filter})" "$W/cases.tsv" | tr '\n' '\0' | xargs -0 -P "$jobs" -I{} bash -c 'IFS=$'"'"'\t'"'"' read -r a b c d e <<<"$1"; run_case "$a" "$b" "$c" "$d" "$e"' _ {}
fi
elapsed=$(( $(date +%s) - start ))

printf 'id\tgroup\texpect\trc\tclass\tseconds\tpeak_mb\tname\terror\tcommand\n' >"$W/results.tsv"
cat "$W"/runs/*/result | sort >>"$W/results.tsv"
echo
echo "campaign: $(($(wc -l <"$W/results.tsv") - 1)) runs in ${elapsed}s ($jobs at a time), results in $W/results.tsv"
awk -F'\t' 'NR > 1 { n[$2 FS $5]++; g[$2]++; c[$5]++ }
  END {
    nc = split("ok clear-error unclear stack-trace exit-70 hang memory silent-skip refused-ok", order, " ")
    for (k in c) { seen = 0; for (i = 1; i <= nc; i++) if (order[i] == k) seen = 1; if (!seen) order[++nc] = k }
    printf "| group |"; for (i = 1; i <= nc; i++) printf " %s |", order[i]; printf " runs |\n|---|"; for (i = 1; i <= nc; i++) printf "---|"; printf "---|\n"
    ng = split("dicom nifti images rec igtl cli", gs, " ")
    for (j = 1; j <= ng; j++) { if (!(gs[j] in g)) continue; printf "| %s |", gs[j]; for (i = 1; i <= nc; i++) printf " %d |", n[gs[j] FS order[i]]; printf " %d |\n", g[gs[j]] }
    printf "| **all** |"; t = 0; for (i = 1; i <= nc; i++) { printf " %d |", c[order[i]]; t += c[order[i]] } printf " %d |\n", t
  }' "$W/results.tsv"
bad=$(awk -F'\t' 'NR > 1 && $5 != "ok" && $5 != "clear-error"' "$W/results.tsv" | wc -l)
if [ "$bad" -gt 0 ]; then
  echo
  echo "not clean ($bad):"
  awk -F'\t' 'NR > 1 && $5 != "ok" && $5 != "clear-error" { printf "  %s %s rc=%s  %s\n      %s\n", $1, $5, $4, $10, $9 }' "$W/results.tsv"
  exit 1
fi
