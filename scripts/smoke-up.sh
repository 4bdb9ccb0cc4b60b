#!/usr/bin/env bash
# Smoke test of the README's first command: `npx dbplane up` on its embedded
# defaults answers with the admin key, survives kill -9 and keeps its data,
# and stops its embedded PostgreSQL on SIGTERM.
set -euo pipefail
work=$(mktemp -d)
data="$work/data"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  if [ -f "$data/postgres/postmaster.pid" ]; then
    kill -9 "$(head -1 "$data/postgres/postmaster.pid")" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

start() {
  # the installed command itself (npx would add wrapper processes between us and dbplane)
  ./node_modules/.bin/dbplane up --data-dir "$data" --port 0 >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 1 240); do
    if grep -q 'dbplane is up at' "$work/out"; then
      url=$(grep -o 'http://[0-9.:]*' "$work/out" | head -1)
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "dbplane up did not start; stdout:" >&2; cat "$work/out" >&2; echo "stderr:" >&2; tail -50 "$work/err" >&2
  exit 1
}

start
cat "$work/out"
key=$(cat "$data/admin.key")
mode=$(stat -c %a "$data/admin.key")
[ "$mode" = 600 ] || { echo "admin.key has mode $mode, want 600" >&2; exit 1; }
grep -q "$key" "$work/out" || { echo "the admin key was not printed" >&2; exit 1; }
curl -fsS -H "x-api-key: $key" "$url/v1/api-keys" >/dev/null
curl -fsS -H "x-api-key: $key" -H 'content-type: application/json' \
  -d '{"name":"smoke","role":"viewer"}' "$url/v1/api-keys" >/dev/null

echo "-- kill -9 and start again"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
start
curl -fsS -H "x-api-key: $key" "$url/v1/api-keys/smoke" | grep -q '"name":"smoke"' \
  || { echo "data was lost across kill -9" >&2; exit 1; }
if grep -q 'admin API key (shown once' "$work/out"; then echo "a second admin key was created" >&2; exit 1; fi

echo "-- SIGTERM stops dbplane and its PostgreSQL"
kill -TERM "$pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then echo "dbplane did not stop on SIGTERM" >&2; exit 1; fi
pid=""
for _ in $(seq 1 20); do [ -f "$data/postgres/postmaster.pid" ] || break; sleep 0.5; done
if [ -f "$data/postgres/postmaster.pid" ]; then echo "the embedded PostgreSQL is still running" >&2; exit 1; fi
echo "smoke: ok"
