#!/usr/bin/env bash
# Sourced by test.sh and quickstart.sh: checks Node and installs the exact locked dependencies
# when node_modules is missing or older than package-lock.json. Quiet unless something is wrong.
# --include=dev even under NODE_ENV=production: the tests, and the quick start from a checkout (its
# sources run through tsx), need the dev tools.
set -euo pipefail

# 20.18.1: the floor of undici 7 (the API client's HTTP transport).
node_ok=$(node -e 'const [a,b,c]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&(b>18||(b===18&&c>=1)))?1:0)' 2>/dev/null || echo 0)
if [ "$node_ok" != 1 ]; then
  echo "error: Node.js >= 20.18.1 is required (found: $(node --version 2>/dev/null || echo none)). Install Node 20 LTS: https://nodejs.org/" >&2
  exit 2
fi

# npm writes node_modules/.package-lock.json on every install: older than the lock file = stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing dependencies (npm ci)"
  ci_err=$(mktemp)
  if ! npm ci --include=dev --no-audit --no-fund --loglevel=error 2>"$ci_err"; then
    # npm >= 10 refuses a lock file that lacks entries for other platforms' optional packages
    # (e.g. @biomejs/cli-android-arm64), which happens when the lock was written against a
    # registry mirror without them. `npm install` installs the very same locked versions and
    # tolerates the gap; the lock file is left untouched (--no-save).
    reason=$( (grep -m1 'Missing' "$ci_err" || grep -m1 'error' "$ci_err" || true) | sed 's/^npm error //')
    echo "    npm ci refused the lock file (${reason}); using npm install with the same lock"
    npm install --include=dev --no-save --no-audit --no-fund --loglevel=error
  fi
  rm -f "$ci_err"
fi
