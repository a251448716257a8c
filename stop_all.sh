#!/usr/bin/env bash
# Stops what launch_all.sh started: PID files first, then whatever still listens on the launcher's ports.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="$ROOT/.run"
QUIET="${1:-}"
say() { [ "$QUIET" = "--quiet" ] || printf '[stop_all] %s\n' "$*"; }

for pidfile in "$RUN_DIR"/*.pid; do
  [ -e "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $(basename "$pidfile" .pid) (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
done

# Fallback: a stale server of ours still holding a port (pid file lost).
for port in 8000 8010; do
  pids="$( (command -v fuser >/dev/null && fuser "$port/tcp" 2>/dev/null) || true)"
  for pid in $pids; do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "mtf serve"; then
      say "stopping stale API on port $port (pid $pid)"
      kill -TERM "$pid" 2>/dev/null
    fi
  done
done
exit 0
