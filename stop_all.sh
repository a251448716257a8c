#!/usr/bin/env bash
# Stops what launch_all.sh started (spec 11.1): graceful stop through the PID files (frontend, API, workers,
# then the embedded PostgreSQL), then a fallback for the launcher's own programs still listening on its ports.
#   ./stop_all.sh                  stop everything, the embedded PostgreSQL included
#   ./stop_all.sh --keep-database  (used by launch_all.sh) stop the processes, leave the database running
#   ./stop_all.sh --quiet          say nothing
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="$ROOT/.run"
QUIET=""
KEEP_DATABASE=""
for arg in "$@"; do
  case "$arg" in
    --quiet) QUIET=1 ;;
    --keep-database) KEEP_DATABASE=1 ;;
    *) echo "usage: ./stop_all.sh [--keep-database] [--quiet]" >&2; exit 2 ;;
  esac
done
say() { [ -n "$QUIET" ] || printf '[stop_all] %s\n' "$*"; }

alive() { kill -0 "$1" 2>/dev/null; }

# TERM to the process group the launcher created (setsid: pid = group id), KILL after 15 s.
stop_group() {
  local name="$1" pid="$2"
  alive "$pid" || return 0
  say "stopping $name (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 30); do alive "$pid" || return 0; sleep 0.5; done
  say "$name did not stop in 15 s: killing it"
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
}

# Frontend first (it only talks to the API), then workers, then the API.
for name in frontend worker backend; do
  for pidfile in "$RUN_DIR/$name"*.pid; do
    [ -e "$pidfile" ] || continue
    stop_group "$(basename "$pidfile" .pid)" "$(cat "$pidfile")"
    rm -f "$pidfile"
  done
done

# Fallback: a program of this checkout still listening on the launcher's ports after its PID file was lost.
# Anything else on those ports belongs to someone else and is left alone (the launcher then falls back).
ours() {
  local cmd cwd
  cmd="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)"
  cwd="$(readlink "/proc/$1/cwd" 2>/dev/null)"
  case "$cmd" in
    *"$ROOT/backend/.venv/bin/mtf serve"*) return 0 ;;
    *vite*) case "$cwd" in "$ROOT/frontend"*) return 0 ;; esac ;;
  esac
  return 1
}
for port in 8000 8010 5173; do
  for pid in $(fuser "$port/tcp" 2>/dev/null); do
    if ours "$pid"; then
      say "stopping a stale launcher program on port $port (pid $pid)"
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 20); do alive "$pid" || break; sleep 0.5; done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null
    fi
  done
done

if [ -z "$KEEP_DATABASE" ] && [ -e "$RUN_DIR/postgres.datadir" ]; then
  if [ -x "$ROOT/backend/.venv/bin/mtf" ]; then
    # pg_ctl stop -m fast from the binaries pgserver ships; left running if the test suite still holds it.
    (cd "$ROOT/backend" && "$ROOT/backend/.venv/bin/mtf" db stop 2>/dev/null) | while read -r line; do say "$line"; done
  elif [ -e "$RUN_DIR/postgres.pid" ] && alive "$(cat "$RUN_DIR/postgres.pid")"; then
    say "stopping the embedded PostgreSQL (pid $(cat "$RUN_DIR/postgres.pid"), fast shutdown)"
    kill -INT "$(cat "$RUN_DIR/postgres.pid")"  # SIGINT = PostgreSQL's fast shutdown
  fi
  [ -e "$(cat "$RUN_DIR/postgres.datadir")/postmaster.pid" ] || rm -f "$RUN_DIR/postgres.datadir" "$RUN_DIR/postgres.pid"
fi
rm -f "$RUN_DIR/api.url"
exit 0
