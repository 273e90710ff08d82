#!/usr/bin/env bash
# Runs bench/cel_bench and the same expressions under @marcbachmann/cel-js
# (installed here into a temporary directory with npm; never a product
# dependency) over tests/fixtures/samples/ray-cluster.complete.yaml.
# Usage: bench/cel_js_compare.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sample=tests/fixtures/samples/ray-cluster.complete.yaml
"$BUILD_DIR/webhook/cli/rayguard" cel eval -o json object --object "$sample" |
  python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["value"], sys.stdout)' \
  > "$work/object.json"
(cd "$work" && npm install --silent --no-audit --no-fund @marcbachmann/cel-js >/dev/null)
cp bench/cel_js_compare.mjs "$work/"
# Both engines share 2 cores with whatever else runs: print the load.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== rayguard (Google Benchmark, CPU time) =="
"$BUILD_DIR/bench/cel_bench" --benchmark_filter=BM_Eval --benchmark_min_time=0.5
echo "== cel-js $(cd "$work" && node -p 'require("./node_modules/@marcbachmann/cel-js/package.json").version') =="
(cd "$work" && node cel_js_compare.mjs object.json "$OLDPWD/bench/cel_expressions.json")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
