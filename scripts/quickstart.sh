#!/usr/bin/env bash
# `npm run quickstart`: installs what the project needs, then runs `affiliate-etl quickstart`
# (services up, migrate, sandbox, ...). Extra arguments go to the command, e.g. --keep-running.
# No build step: in a checkout the bin runs the sources through tsx, so an edit is always live and
# a dist/ from an earlier `npm run build` is never used here (see bin/affiliate-etl.js).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
exec node bin/affiliate-etl.js quickstart "$@"
