#!/usr/bin/env bash
# Creates .venv (if missing) and installs the toolkit and the generated client with pinned versions.
# Needs only Python 3.11+ and pip. Idempotent: a second run only checks. pip's output goes to
# .venv/setup.log and is shown only if the install fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml generated/pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing pinned dependencies and the generated client into .venv (log: .venv/setup.log)"
  if ! {
    .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
      .venv/bin/python -m pip install --disable-pip-version-check -e '.[dev]' -e './generated'
  } >.venv/setup.log 2>&1; then
    tail -n 40 .venv/setup.log >&2
    echo "setup: pip install failed; the whole log is in .venv/setup.log" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
