#!/usr/bin/env bash
# Sets everything up (see setup.sh), then runs the whole test suite against loopback servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# pytest-xdist workers: one per core (TEST_WORKERS=N sets another number; more workers than cores finish
# sooner, since the suite mostly waits, but starve the rate-limit tests' client threads: tests/bulk asserts
# under 1% of 429s, which a busy machine then exceeds). Work set up once stays on one worker
# (tests/conftest.py). The ten slowest tests are listed at the end, so a slow one is noticed.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadgroup --durations=10 "$@"
