#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs the whole test suite against loopback servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# pytest-xdist workers: two per core, since the suite mostly waits (on loopback servers, query polls,
# rate-limit windows and child processes: two workers kept two cores only 57% busy); TEST_WORKERS
# overrides it. Work set up once stays on one worker (tests/conftest.py). The ten slowest tests are
# listed at the end, so a slow one is noticed.
workers=${TEST_WORKERS:-$((2 * $(nproc 2>/dev/null || echo 1)))}
exec .venv/bin/python -m pytest -n "$workers" --dist loadgroup --durations=10 "$@"
