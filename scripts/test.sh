#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs the whole test suite against loopback servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Two or more workers (pytest-xdist) where the machine has the cores; the corpus tests share one worker
# (tests/conftest.py). The ten slowest tests are listed at the end, so a slow one is noticed.
exec .venv/bin/python -m pytest -n auto --dist loadgroup --durations=10 "$@"
