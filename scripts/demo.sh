#!/usr/bin/env bash
# The whole toolkit in one command: set up, regenerate and check the client, start the local emulator,
# export the last 7 days of audit logs with `genesys-audit query`, summarize them, stop the emulator.
# Needs only Python 3.11+ and pip. Writes out/audit.jsonl (DEMO_OUTPUT); DEMO_RECORDS sets the record count.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
python=.venv/bin/python
"$python" -m generator generate
"$python" -m generator check

workdir=$(mktemp -d)
emulator_pid=
cleanup() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

# The emulator's data ends at the next full hour, so the whole 7-day window ending now holds records.
data_end=$("$python" -c 'from datetime import UTC, datetime, timedelta
print((datetime.now(UTC) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0).isoformat())')
"$python" -m emulator --port 0 --records "${DEMO_RECORDS:-5000}" --data-end "$data_end" >"$workdir/emulator.log" 2>&1 &
emulator_pid=$!

base_url=
for _ in $(seq 1 300); do
  base_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$workdir/emulator.log" | head -n 1 || true)
  [ -n "$base_url" ] && break
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    cat "$workdir/emulator.log" >&2
    echo "demo: the emulator did not start" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base_url" ]; then
  echo "demo: the emulator did not report its address" >&2
  exit 1
fi
echo "emulator: $base_url"

export GENESYSCLOUD_OAUTHCLIENT_ID=emulator-client
export GENESYSCLOUD_OAUTHCLIENT_SECRET=emulator-secret
output=${DEMO_OUTPUT:-out/audit.jsonl}
mkdir -p "$(dirname "$output")"
.venv/bin/genesys-audit query --base-url "$base_url" --last 7d --output "$output" --restart
"$python" scripts/summarize.py "$output"
