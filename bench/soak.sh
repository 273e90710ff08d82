#!/usr/bin/env bash
# Soak test for `rayguard serve` (release build): sustained load from h2load
# (HTTP/1.1 keep-alive over TLS, 16 connections, a realistic RayCluster review
# to /validate) for DURATION seconds, one h2load run per minute, while
#   - the serving certificate is re-issued and swapped every minute (mid-run),
#   - a policy file in the watched --policies directory is edited twice
#     (at one third and two thirds), so the validator is rebuilt and swapped.
# Per minute it prints requests, failures (non-2xx, errored, timed out),
# latency p99 and the server's RSS; then the totals and RSS start/end.
# "Start" is after a 10-second warm-up with one connection per worker
# (64): each worker thread keeps a stack and allocator state of its own
# once it has served, a one-off cost bounded by the number of workers. The
# RSS right after start-up is printed too.
#
#   bench/soak.sh [DURATION_SECONDS]      (default 600)
#
# Needs a built tree (scripts/build), h2load (nghttp2-client) and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
DURATION="${1:-600}"
PORT="${PORT:-18643}"
BODY=tests/fixtures/admission/raycluster_complete_v1.json
MINUTES=$(( (DURATION + 59) / 60 ))
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A CA, and a serving certificate re-issued from it on every rotation.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$work/ca.key" -out "$work/ca.crt" -days 1 -subj /CN=soak-ca 2>/dev/null
issue() {  # writes tls.crt/tls.key by rename, as a Secret volume update does
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/new.key" -out "$work/new.csr" -subj /CN=localhost 2>/dev/null
  openssl x509 -req -in "$work/new.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
    -CAcreateserial -days 1 -out "$work/new.crt" \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1\n') 2>/dev/null
  mv "$work/new.key" "$work/tls.key"
  mv "$work/new.crt" "$work/tls.crt"
}
issue
cp -r policies "$work/policies"

"$BUILD_DIR/webhook/cli/rayguard" serve --listen "127.0.0.1:$PORT" \
  --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" --schemas schemas \
  --policies "$work/policies" --log-format json 2>"$work/rayguard.log" &
server=$!
curl -s --cacert "$work/ca.crt" --retry 30 --retry-connrefused --retry-delay 0 \
  -o /dev/null "https://127.0.0.1:$PORT/readyz"

rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$server/status"; }
# RSS less the pages the allocator has already freed with MADV_FREE: the
# kernel takes those back whenever it needs memory, but counts them in RSS
# until it does.
in_use_mb() {
  awk '/^Rss:/ {r = $2} /^LazyFree:/ {f = $2} END {printf "%.1f", (r - f) / 1024}' \
    "/proc/$server/smaps_rollup"
}
# Adds a comment line to one bundled policy: the watcher reloads them all.
edit_policy() { printf '# soak edit %s\n' "$(date +%s)" >>"$work/policies/gpu-quota.yaml"; }

rss_cold=$(rss_mb)
h2load --h1 -D 10 -c 64 -m 1 -d "$BODY" -H 'Content-Type: application/json' \
  "https://127.0.0.1:$PORT/validate" >/dev/null 2>&1 || true
rss_start=$(rss_mb)
in_use_start=$(in_use_mb)
total=0 failed=0
printf '| minute | requests | failed | p99 ms | RSS MB | in use MB | event |\n|---|---|---|---|---|---|---|\n'
for ((m = 1; m <= MINUTES; m++)); do
  seconds=$(( m * 60 <= DURATION ? 60 : DURATION - (m - 1) * 60 ))
  event="cert rotated"
  ( sleep $(( seconds / 2 )); issue ) &
  helpers=($!)
  if (( m == (MINUTES + 2) / 3 || m == (2 * MINUTES + 2) / 3 )); then
    ( sleep $(( seconds / 4 )); edit_policy ) &
    helpers+=($!)
    event="$event, policies reloaded"
  fi
  rm -f "$work/h2load.log"
  out=$(h2load --h1 -D "$seconds" -c 16 -m 1 -d "$BODY" \
    -H 'Content-Type: application/json' --log-file="$work/h2load.log" \
    "https://127.0.0.1:$PORT/validate" 2>&1) || true
  wait "${helpers[@]}" 2>/dev/null || true
  # "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout"
  # "status codes: N 2xx, N 3xx, N 4xx, N 5xx". A failure is a request that
  # failed, errored or timed out, or an answer other than 2xx. (Counting
  # done minus 2xx instead can come out at -1: a response that lands as the
  # run ends is counted as 2xx but not as done.)
  done_n=$(awk '/^requests:/ {print $8}' <<<"$out")
  bad=$(awk '/^requests:/ {print $10 + $12 + $14}' <<<"$out")
  non2xx=$(awk '/^status codes:/ {print $5 + $7 + $9}' <<<"$out")
  bad=$(( ${bad:-0} + ${non2xx:-0} ))
  if [ -z "$done_n" ]; then  # h2load printed no summary: count the minute as failed
    done_n=0
    bad=$(( bad + 1 ))
  fi
  # Column 2 is the status code, column 3 the latency in microseconds.
  p99=$(sort -n -k3 "$work/h2load.log" | awk '{ lat[NR] = $3 }
    END { if (NR) printf "%.2f", lat[int(NR * 0.99)] / 1000; else print "-" }')
  rss=$(rss_mb)
  in_use=$(in_use_mb)
  total=$(( total + done_n ))
  failed=$(( failed + bad ))
  printf '| %d | %d | %d | %s | %s | %s | %s |\n' "$m" "$done_n" "$bad" "$p99" "$rss" \
    "$in_use" "$event"
done
rss_end=$(rss_mb)
in_use_end=$(in_use_mb)
reloads=$(grep -c '"schemas and policies reloaded"' "$work/rayguard.log" || true)
rotations=$(grep -c '"certificate reloaded"' "$work/rayguard.log" || true)
cert_errors=$(grep -c '"certificate reload failed' "$work/rayguard.log" || true)
echo
echo "total requests: $total, failed: $failed"
change() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (b - a) / a * 100 }'; }
echo "RSS after start-up: ${rss_cold} MB; after the warm-up: ${rss_start} MB," \
  "at the end: ${rss_end} MB ($(change "$rss_start" "$rss_end"))"
echo "in use (RSS less lazily freed pages) after the warm-up: ${in_use_start} MB," \
  "at the end: ${in_use_end} MB ($(change "$in_use_start" "$in_use_end"))"
echo "certificate reloads: $rotations (failed attempts: $cert_errors), policy reloads: $reloads"
kill -0 "$server" || { echo "rayguard serve died" >&2; exit 1; }
[ "$failed" -eq 0 ]
