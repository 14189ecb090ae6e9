#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs the whole test suite against loopback servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
