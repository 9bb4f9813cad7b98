#!/usr/bin/env bash
# Render the HTML progress report of a demo learner in headless Chromium, to a PNG.
#
#   bench/render-report.sh [OUT.png [OUT.html]]     (defaults: report.png, not kept)
#
# Builds a demo database through the CLI itself (a history spread over ten weeks with a gap,
# items in progress, a skipped item, a target date), writes `mltrack report --format html`,
# and screenshots it with bench/render-html.sh (Debian's Chromium, 1200x1600).
# MLTRACK (default: mltrack) and CHROMIUM (default: /usr/bin/chromium) name the programs.
set -euo pipefail
out=$(realpath -m "${1:-report.png}")
keep_html=${2:-}
read -r -a mltrack <<<"${MLTRACK:-mltrack}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MLTRACK_DB="$work/demo.db" MLTRACK_LEARNER=me

m() { "${mltrack[@]}" "$@" >/dev/null; }
# Ten weeks of work, one quiet week among them; dates are relative, so the chart always shows
# the weeks before today.
m done bsc-software-engineering --on -68d
m done python --on -62d
m start programming --on -60d
m done programming --on -54d
m done data-structures --on -47d
m done random-variables --on -45d
m done probability --on -40d
m done stanford-ml --on -38d
m done estimation --on -33d
m done variance --on -26d
m done bias --on -24d
m done statistical-learning --on -12d
m done fourier-transforms --on -10d
m done software-testing --on -8d
m done algorithm-design --on -4d
m done graphical-models --on -2d
m start deep-learning --on -2d
m start signal-transforms --on -1d
m skip hadoop --note "not used at my target companies"
m target set "$(date -d '+300 days' +%F)"
"${mltrack[@]}" report --format html -o "$work/report.html" 2>/dev/null
if [[ -n $keep_html ]]; then cp "$work/report.html" "$keep_html"; fi

"$(dirname "$0")/render-html.sh" "$work/report.html" "$out"
