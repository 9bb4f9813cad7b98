#!/usr/bin/env bash
# Screenshot an HTML file in headless Chromium (Debian's: apt-get install chromium).
#
#   bench/render-html.sh IN.html OUT.png
#
# 1200x1600 pixels, run the way a root container needs it: no sandbox, no GPU, no network
# services, a fresh profile that is removed afterwards. CHROMIUM (default: /usr/bin/chromium)
# names the browser. Prints the PNG's path; on failure, Chromium's log.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 IN.html OUT.png" >&2; exit 2; }
html=$(realpath "$1")
out=$(realpath -m "$2")
chromium=${CHROMIUM:-/usr/bin/chromium}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --hide-scrollbars --window-size=1200,1600 --screenshot="$out" "file://$html" \
  >"$profile/chromium.log" 2>&1 || { cat "$profile/chromium.log" >&2; exit 1; }
[[ -s $out ]] || { echo "no screenshot written" >&2; cat "$profile/chromium.log" >&2; exit 1; }
echo "$out"
