#!/usr/bin/env bash
# `npm run quickstart`: installs what the project needs, then runs `affiliate-etl quickstart`
# (services up, migrate, sandbox, ...). Extra arguments go to the command, e.g. --keep-running.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
exec node bin/affiliate-etl.js quickstart "$@"
