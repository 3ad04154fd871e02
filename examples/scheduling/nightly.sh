#!/bin/sh
# nightly.sh: one scheduled leftover scan, as the CronJob, the systemd timer and the CI
# workflow beside it run it. It lists the account once, renders the JSON, markdown and
# HTML reports from that one listing, compares them with the last run's report, and keeps
# this run's report as the next run's baseline.
#
# Environment:
#   LEFTOVER_STATES     state sources, separated by spaces (s3://bucket/prefix ...); required
#   LEFTOVER_DIR        where the reports and the baseline live (default /var/lib/leftover)
#   LEFTOVER_LIST_ARGS  options for listing (--region R, --all-regions, --profile NAME)
#   LEFTOVER_SCAN_ARGS  options for the scan (--policy FILE, --prices FILE, --min-severity S)
#   LEFTOVER            the leftover binary (default: leftover on PATH)
#
# Exit code, for the scheduler: 0 nothing new since the last run, 1 new leftovers,
# 2 usage or configuration error, 3 the scan was incomplete.
set -u

leftover="${LEFTOVER:-leftover}"
dir="${LEFTOVER_DIR:-/var/lib/leftover}"
mkdir -p "$dir" || exit 2

states=""
for source in ${LEFTOVER_STATES:?set LEFTOVER_STATES to the state sources}; do
  states="$states --state $source"
done

# One listing for every report. A listing with gaps still writes the inventory (exit 3).
# shellcheck disable=SC2086 # the option lists are meant to split into words
"$leftover" inventory --quiet ${LEFTOVER_LIST_ARGS:-} --output "$dir/inventory.json"
listed=$?
if [ "$listed" -ne 0 ] && [ "$listed" -ne 3 ]; then
  exit "$listed"
fi

baseline=""
if [ -f "$dir/last.json" ]; then
  baseline="--baseline $dir/last.json"
fi

scan() {
  # shellcheck disable=SC2086
  "$leftover" scan --quiet --inventory "$dir/inventory.json" $states $baseline ${LEFTOVER_SCAN_ARGS:-} \
    --fail-on new "$@"
}

scan --format json --output "$dir/report.json"
code=$?
scan --format markdown --output "$dir/report.md"
scan --format html --output "$dir/report.html"

# A complete report becomes the next run's baseline. After an incomplete one (3) the last
# complete report stays the baseline, so that what a gap hid tonight is not "new" tomorrow.
if [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; then
  cp "$dir/report.json" "$dir/.last.json.tmp" && mv "$dir/.last.json.tmp" "$dir/last.json"
fi
exit "$code"
