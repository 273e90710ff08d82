#!/usr/bin/env bash
# Load test for `rayguard serve`: HTTP/1.1 keep-alive over TLS with h2load
# (nghttp2-client), posting a realistic AdmissionReview (ray-cluster.complete.yaml)
# to /validate at 1 and 16 connections. In the same run, a fixed-response
# nginx over TLS with the same certificate marks the transport limit.
#
#   bench/serve_load.sh [REQUESTS_PER_RUN]     (default 20000)
#
# Needs a built tree (scripts/build), h2load, nginx and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
REQUESTS="${1:-20000}"
BODY=tests/fixtures/admission/raycluster_complete_v1.json
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$work/tls.key" -out "$work/tls.crt" -days 1 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 2>/dev/null
mkdir -p "$work/policies"

# rayguard, logging as in production (one JSON line per review, to a file).
"$BUILD_DIR/webhook/cli/rayguard" serve --listen 127.0.0.1:18443 \
  --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" --schemas schemas \
  --policies "$work/policies" --log-format json 2>"$work/rayguard.log" &
pids+=($!)

# nginx answering every POST with the review rayguard would send, TLS as close
# to rayguard's as nginx allows.
answer=$(curl -sk --retry 20 --retry-connrefused --retry-delay 0 \
  -H 'Content-Type: application/json' --data @"$BODY" https://127.0.0.1:18443/validate)
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work;
  server {
    listen 127.0.0.1:18444 ssl;
    ssl_certificate $work/tls.crt;
    ssl_certificate_key $work/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    keepalive_requests 10000;
    location /validate {
      default_type application/json;
      return 200 '$answer';
    }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" &
pids+=($!)
sleep 0.5

# Runs h2load; prints "req/s p50_ms p99_ms" from its per-request log.
run() {
  local port=$1 conns=$2
  rm -f "$work/h2load.log"
  local out
  out=$(h2load --h1 -n "$REQUESTS" -c "$conns" -m 1 -d "$BODY" \
    -H 'Content-Type: application/json' --log-file="$work/h2load.log" \
    "https://127.0.0.1:$port/validate")
  local rps ok
  rps=$(awk '/^finished in/ {print $4}' <<<"$out")
  ok=$(awk '/^status codes:/ {print $3}' <<<"$out")
  [ "$ok" = "$REQUESTS" ] || { echo "only $ok of $REQUESTS got 2xx" >&2; exit 1; }
  # Column 3 of the log is the request's latency in microseconds.
  sort -n -k3 "$work/h2load.log" | awk -v rps="$rps" '
    { lat[NR] = $3 }
    END { printf "%s %.3f %.3f\n", rps, lat[int(NR*0.50)]/1000, lat[int(NR*0.99)]/1000 }'
}

printf '| connections | rayguard req/s | p50 ms | p99 ms | nginx req/s | p50 ms | p99 ms | rayguard/nginx |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for conns in 1 16; do
  read -r r_rps r_p50 r_p99 < <(run 18443 "$conns")
  read -r n_rps n_p50 n_p99 < <(run 18444 "$conns")
  ratio=$(awk -v a="$r_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$conns" "$r_rps" "$r_p50" \
    "$r_p99" "$n_rps" "$n_p50" "$n_p99" "$ratio"
done
