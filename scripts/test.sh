#!/usr/bin/env bash
# `npm test`: the one test command (README "Tests"; CI runs it through .ci/run). Fails fast:
# lint + format, types, layer rules, data dictionary freshness, document references, then every
# vitest project. The integration tier brings its own Postgres and Redis (DATABASE_URL/REDIS_URL,
# else Docker, else local binaries, installed with apt-get when missing), so nothing needs to run
# beforehand.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
step() { printf '\n==> %s\n' "$1"; }

source scripts/ensure-deps.sh
bin=node_modules/.bin

step "Lint and format (biome check)"
"$bin/biome" check --diagnostic-level=warn .

step "Types (tsc --noEmit)"
"$bin/tsc" -p tsconfig.json --noEmit

step "Layer rules (dependency-cruiser)"
"$bin/depcruise" src --config .dependency-cruiser.cjs --output-type err

if [ -f scripts/gen-data-dictionary.ts ]; then
  step "Data dictionary is up to date"
  "$bin/tsx" scripts/gen-data-dictionary.ts --check
fi

step "Document references resolve inside the repository"
"$bin/tsx" scripts/check-doc-refs.ts

step "Tests (vitest: unit, contract, integration, e2e)"
mkdir -p .tmp
rm -f .tmp/vitest-results.json
set +e
"$bin/vitest" run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-results.json "$@"
status=$?
set -e
# One plain closing line with the counts, readable by any CI that parses "N passed, N failed".
if [ -f .tmp/vitest-results.json ]; then
  node -e 'const r=require("./.tmp/vitest-results.json");console.log(`\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests+r.numTodoTests} skipped`)'
fi
[ "$status" -eq 0 ] || exit "$status"

printf '\n==> All checks passed in %ss\n' "$(($(date +%s) - started))"
