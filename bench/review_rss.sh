#!/usr/bin/env bash
# Memory of one review: starts `rayguard serve` (the repository's schemas and
# policies), posts the worst-case review of bench/worst_review.py once, and
# prints how far RSS rose above its level before the request (the kernel's
# peak, VmHWM, reset just before sending), in MiB and as a multiple of the
# body's size.
#
#   bench/review_rss.sh [RAYGUARD_BINARY] [N]   (default build/..., 700000 strings)
#   BODY=file bench/review_rss.sh ...           (another body instead)
#
# Needs openssl and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build/webhook/cli/rayguard}"
N="${2:-700000}"
work=$(mktemp -d)
pid=""
cleanup() {
  # Gone before returning, so that a next run can take the port.
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$work/tls.key" -out "$work/tls.crt" -days 1 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 2>/dev/null
body="${BODY:-$work/review.json}"
[ -n "${BODY:-}" ] || python3 bench/worst_review.py "$N" >"$body"

"$BIN" serve --listen 127.0.0.1:18461 --tls-cert "$work/tls.crt" \
  --tls-key "$work/tls.key" --schemas schemas --policies policies \
  --log-format json 2>"$work/rayguard.log" &
pid=$!
post() {
  curl -sk --retry 30 --retry-connrefused --retry-delay 0 -o "$work/answer" \
    -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$1" https://127.0.0.1:18461/validate
}
# One small review first, so that what is measured is the big one.
post tests/fixtures/admission/raycluster_complete_v1.json >/dev/null
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
before=$(kib VmRSS)
echo 5 >"/proc/$pid/clear_refs"  # VmHWM := VmRSS
code=$(post "$body")
peak=$(kib VmHWM)
after=$(kib VmRSS)
bytes=$(stat -c %s "$body")
python3 - "$bytes" "$before" "$peak" "$after" "$code" <<'PY'
import sys
size, before, peak, after, code = (int(x) for x in sys.argv[1:])
rise = (peak - before) * 1024
print(f"body {size / 2**20:.2f} MiB, HTTP {code}: RSS {before / 1024:.1f} MiB before, "
      f"peak {peak / 1024:.1f} MiB (+{rise / 2**20:.1f} MiB = {rise / size:.1f}x the body), "
      f"{after / 1024:.1f} MiB after")
PY
