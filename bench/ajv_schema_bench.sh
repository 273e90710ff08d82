#!/usr/bin/env bash
# Runs the ajv baseline for the structural-validation benchmark. ajv and
# js-yaml come from npm into a scratch folder; they are never a dependency
# of rayguard itself.
set -euo pipefail
cd "$(dirname "$0")"
work="${AJV_BENCH_DIR:-${TMPDIR:-/tmp}/rayguard-ajv-bench}"
mkdir -p "$work"
if [ ! -d "$work/node_modules/ajv" ] || [ ! -d "$work/node_modules/js-yaml" ]; then
  npm install --prefix "$work" --no-save --silent ajv@8 js-yaml@4 >/dev/null
fi
NODE_PATH="$work/node_modules" taskset -c 0 node ajv_schema_bench.js
