#!/usr/bin/env bash
# The monthly job both CI examples run, and tests/test_ci_examples.py runs on the example months:
# analyze this month's usage, keep the report, diff it against last month's when there is one.
#
#   monthly.sh USAGE MAPPING OUT_DIR [PREVIOUS_REPORT_JSON]
#
# Environment (all optional):
#   TOKENECON_PRICES   a price book layered over the default (your negotiated rates)
#   TOKENECON_FAIL_ON  thresholds, one per line (default below)
#   TOKENECON          the command to run (default: tokenecon on the PATH)
#
# Writes OUT_DIR/report.json (keep it: next month's PREVIOUS_REPORT_JSON), report.txt,
# report.html and, with a previous report, diff.md (the comment to post: text only, its chart in
# Unicode bars), diff.json and diff.svg (the same chart as an image, kept with the artifacts).
# Exit code: 0; 1 when a threshold is crossed; 2 for bad input (as tokenecon's).
set -euo pipefail
usage=$1 mapping=$2 out=$3 previous=${4:-}
tokenecon=${TOKENECON:-tokenecon}
fail_on=${TOKENECON_FAIL_ON:-'cost_per_outcome>+10%
total_cost>+25%
unattributed_share>15%'}
mkdir -p "$out"
prices=()
if [ -n "${TOKENECON_PRICES:-}" ]; then prices=(--prices "$TOKENECON_PRICES"); fi

"$tokenecon" analyze "$usage" --outcomes "$mapping" "${prices[@]}" \
  --save "$out/report.json" > "$out/report.txt"
if [ -z "$previous" ] || [ ! -f "$previous" ]; then
  "$tokenecon" report "$out/report.json" -o "$out/report.html"
  echo "tokenecon: no previous report, nothing to diff (this report starts the series)"
  exit 0
fi
"$tokenecon" report "$previous" "$out/report.json" -o "$out/report.html"

thresholds=()
while IFS= read -r line; do
  if [ -n "$line" ]; then thresholds+=(--fail-on "$line"); fi
done <<< "$fail_on"
status=0
"$tokenecon" diff "$previous" "$out/report.json" "${thresholds[@]}" --format json \
  > "$out/diff.json" 2> /dev/null || status=$?
if [ "$status" -gt 1 ]; then  # bad input: say why (the same command, with its error on stderr)
  "$tokenecon" diff "$previous" "$out/report.json" "${thresholds[@]}" > /dev/null || exit $?
fi
"$tokenecon" diff "$previous" "$out/report.json" "${thresholds[@]}" --format markdown \
  --chart "$out/diff.svg" > "$out/diff.md" || status=$?
exit "$status"
