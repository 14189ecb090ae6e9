#!/usr/bin/env bash
# Creates .venv (if missing) and installs the toolkit and the generated client with pinned versions.
# Needs only Python 3.11+ and pip. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml generated/pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' -e './generated'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
