#!/usr/bin/env bash
# MT-Facturation one-shot launcher (spec 11.1).
#   ./launch_all.sh          install, pick the database, migrate, start the API, smoke-check, print URLs
#   ./launch_all.sh demo     load the demo data set into the running system (idempotent)
#   ./launch_all.sh test     install and run every quality gate and test suite
#   ./launch_all.sh test-backend   only the backend test suite (CI reuses it against another server)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BACKEND="$ROOT/backend"
FRONTEND="$ROOT/frontend"
RUN_DIR="$ROOT/.run"
MODE="${1:-run}"
UV_VERSION="0.13.9"
ADMIN_USER="${MTF_BOOTSTRAP_ADMIN_USERNAME:-admin}"
ADMIN_PASS="${MTF_BOOTSTRAP_ADMIN_PASSWORD:-admin-local-password}"

say() { printf '\033[1m[launch_all]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[launch_all] %s\033[0m\n' "$*" >&2; exit 1; }

find_python312() {
  if command -v python3.12 >/dev/null 2>&1 && python3.12 -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    command -v python3.12; return 0
  fi
  local root candidate
  root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  candidate="$(ls -d "$root"/versions/3.12*/bin/python3.12 2>/dev/null | sort -V | tail -1 || true)"
  if [ -n "$candidate" ] && "$candidate" -c 'import sys' 2>/dev/null; then
    echo "$candidate"; return 0
  fi
  return 1
}

install_backend() {
  PY="$(find_python312)" || die "Python 3.12 is required: no working python3.12 on PATH and none under pyenv (pyenv install 3.12)."
  say "python: $PY"
  local tools="$BACKEND/.tools"
  if [ ! -x "$tools/bin/uv" ] || ! "$tools/bin/uv" --version 2>/dev/null | grep -q "$UV_VERSION"; then
    say "installing uv $UV_VERSION"
    "$PY" -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
  UV="$tools/bin/uv"
  export UV_PYTHON="$PY" UV_PYTHON_DOWNLOADS=never
  say "installing backend dependencies (uv sync --frozen)"
  (cd "$BACKEND" && "$UV" sync --frozen --quiet)
  (cd "$BACKEND" && "$UV" pip check --quiet) || die "dependency check failed (uv pip check)"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local url="$1" tries="${2:-60}" label="${3:-}"
  for i in $(seq "$tries"); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then [ -n "$label" ] && printf '\n'; return 0; fi
    [ -n "$label" ] && printf '\r[launch_all] waiting for %s (%ss)' "$label" "$i"
    sleep 1
  done
  [ -n "$label" ] && printf '\n'
  return 1
}

# step NAME LOG: run the rest of the line, its output into LOG; on failure say which step, why (the log's
# tail) and where the whole log is.
step() {
  local name="$1" log="$2"; shift 2
  say "$name"
  if ! "$@" >>"$log" 2>&1 </dev/null; then
    tail -25 "$log" >&2
    die "step failed: $name (full log: $log)"
  fi
}

# Starts "$@" in its own session (pid = process group id) with output to LOG, recording the pid in NAME.pid,
# so stop_all.sh can stop the whole tree (npm -> node -> esbuild) by group.
start_detached() {
  local name="$1" log="$2" dir="$3"; shift 3
  (cd "$dir" && exec setsid nohup "$@" >"$log" 2>&1 </dev/null) &
  echo $! >"$RUN_DIR/$name.pid"
}

install_frontend() {
  [ -f "$FRONTEND/package.json" ] || { say "no frontend/package.json yet: frontend steps skipped"; return 0; }
  command -v npm >/dev/null 2>&1 || die "Node 20+ and npm are required for the frontend (https://nodejs.org)"
  # npm ci wipes node_modules: only when the lock file changed since the last install.
  if [ ! -f "$FRONTEND/node_modules/.package-lock.json" ] \
      || [ "$FRONTEND/package-lock.json" -nt "$FRONTEND/node_modules/.package-lock.json" ]; then
    step "installing frontend dependencies (npm ci)" "$RUN_DIR/install.log" npm --prefix "$FRONTEND" ci --no-audit --no-fund
  else
    say "frontend dependencies up to date with package-lock.json (npm ci skipped)"
  fi
  step "checking frontend dependencies (npm ls --depth=0)" "$RUN_DIR/install.log" npm --prefix "$FRONTEND" ls --depth=0
}

# The database the launcher uses, exported as DATABASE_URL for every process it starts (the API, the worker
# and the demo loader all talk to the same one).
choose_database() {
  local url
  say "choosing the database (DATABASE_URL, else PostgreSQL 16+ on localhost:5432, else embedded under .data/)"
  # Into a file, not $(...): a PostgreSQL started by this step inherits its stdout and would keep a
  # command substitution waiting for ever.
  (cd "$BACKEND" && "$BACKEND/.venv/bin/mtf" db url >"$RUN_DIR/database.url" 2>>"$RUN_DIR/database.log" </dev/null) \
      || { tail -20 "$RUN_DIR/database.log" >&2; die "step failed: choosing the database (log: $RUN_DIR/database.log)"; }
  url="$(cat "$RUN_DIR/database.url")"
  DB_ORIGIN="$(grep '^database:' "$RUN_DIR/database.log" | tail -1 | cut -d' ' -f2)"
  if [ "$DB_ORIGIN" = "embedded" ]; then
    echo "$ROOT/.data/postgres" >"$RUN_DIR/postgres.datadir"
    head -1 "$ROOT/.data/postgres/postmaster.pid" >"$RUN_DIR/postgres.pid"
  fi
  export DATABASE_URL="$url"
}

smoke_checks() {
  local base="$1" front="$2"
  wait_for "$base/health/ready" 90 "the API at $base/health/ready" \
      || { tail -40 "$RUN_DIR/backend.log" >&2; die "step failed: the API did not become ready (log: $RUN_DIR/backend.log)"; }
  say "smoke: GET /health/ready OK"
  local token
  token="$(curl -fsS -X POST "$base/api/v1/auth/token" --data-urlencode "username=$ADMIN_USER" \
      --data-urlencode "password=$ADMIN_PASS" -d grant_type=password \
      | "$BACKEND/.venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')" \
      || die "smoke: could not obtain a token for $ADMIN_USER (log: $RUN_DIR/backend.log)"
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/offer-categories" \
      || die "smoke: authenticated GET /api/v1/offer-categories failed (log: $RUN_DIR/backend.log)"
  say "smoke: authenticated GET /api/v1/offer-categories OK"
  curl -fsS "$base/api/v1/openapi.json" | grep -q '"/api/v1/offer-categories"' \
      || die "smoke: the OpenAPI document lacks /api/v1/offer-categories (stale code running?)"
  say "smoke: OpenAPI path /api/v1/offer-categories present"
  [ -n "$front" ] || return 0
  wait_for "$front/" 90 "the frontend at $front/" \
      || { tail -40 "$RUN_DIR/frontend.log" >&2; die "step failed: the frontend did not answer (log: $RUN_DIR/frontend.log)"; }
  curl -fsS "$front/" | grep -qi '<div id="root"' || die "smoke: the frontend root is not the SPA's page"
  say "smoke: frontend root OK"
  # What the SPA's backend discovery does from the browser: a preflight with the operator headers, then the
  # real read with the token, both from the frontend's origin and both answered with that origin allowed.
  local headers
  headers="$(curl -fsS -D - -o /dev/null -X OPTIONS -H "Origin: $front" \
      -H 'Access-Control-Request-Method: GET' \
      -H 'Access-Control-Request-Headers: authorization,content-type,idempotency-key,x-correlation-id' \
      "$base/api/v1/offer-categories")" || die "smoke: CORS preflight from $front refused"
  grep -qi "^access-control-allow-origin: $front" <<<"$headers" || die "smoke: CORS preflight does not allow $front"
  headers="$(curl -fsS -D - -o /dev/null -H "Origin: $front" -H "Authorization: Bearer $token" \
      -H 'X-Correlation-ID: launcher-smoke' "$base/api/v1/offer-categories")" || die "smoke: CORS GET failed"
  grep -qi "^access-control-allow-origin: $front" <<<"$headers" || die "smoke: CORS GET does not allow $front"
  say "smoke: frontend backend discovery (CORS with operator headers from $front) OK"
}

run_mode() {
  mkdir -p "$RUN_DIR"
  : >"$RUN_DIR/install.log"
  install_backend
  install_frontend
  step "stopping what a previous launch left running" "$RUN_DIR/stop.log" "$ROOT/stop_all.sh" --keep-database
  choose_database
  say "database: $DB_ORIGIN"
  step "migrating the database (alembic upgrade head, bootstrap admin)" "$RUN_DIR/migrate.log" \
      "$BACKEND/.venv/bin/mtf" migrate
  local port=8000
  if port_busy "$port"; then say "port 8000 is busy (not by us), falling back to 8010"; port=8010; fi
  port_busy "$port" && die "ports 8000 and 8010 are both busy: free one (ss -ltnp 'sport = :8000')"
  local base="http://127.0.0.1:$port"
  say "starting the API on port $port (reload off)"
  start_detached backend "$RUN_DIR/backend.log" "$BACKEND" "$BACKEND/.venv/bin/mtf" serve --host 127.0.0.1 --port "$port"
  local front=""
  if [ -f "$FRONTEND/package.json" ]; then
    port_busy 5173 && die "port 5173 is busy (not by us): the frontend needs it (the API allows that origin)"
    front="http://127.0.0.1:5173"
    say "starting the frontend on port 5173 (VITE_API_BASE_URL=$base)"
    VITE_API_BASE_URL="$base" start_detached frontend "$RUN_DIR/frontend.log" "$FRONTEND" \
        npm run dev -- --host 127.0.0.1 --port 5173 --strictPort
  fi
  smoke_checks "$base" "$front"
  echo "$base" >"$RUN_DIR/api.url"
  cat <<MSG

  MT-Facturation is running (database: $DB_ORIGIN).
MSG
  if [ -n "$front" ]; then cat <<MSG
    Workspace:    $front/
    Landing:      $front/landing
MSG
  fi
  cat <<MSG
    API:          $base
    API docs:     $base/api/v1/docs
    OpenAPI:      $base/api/v1/openapi.json
    Health:       $base/health/ready
    Local login:  $ADMIN_USER / $ADMIN_PASS
    Logs:         $RUN_DIR/*.log
    PID files:    $RUN_DIR/*.pid
    Demo data:    ./launch_all.sh demo
    Stop:         ./stop_all.sh

MSG
}

demo_mode() {
  [ -f "$RUN_DIR/api.url" ] && [ -x "$BACKEND/.venv/bin/python" ] || die "start the system first: ./launch_all.sh"
  local base
  base="$(cat "$RUN_DIR/api.url")"
  curl -fsS -o /dev/null "$base/health/ready" || die "the API at $base does not answer: ./launch_all.sh first"
  say "loading the demo data set through the API at $base (idempotent; progress below, log: $RUN_DIR/demo.log)"
  (cd "$BACKEND" && "$BACKEND/.venv/bin/python" -m app.demo --api "$base" --username "$ADMIN_USER" \
      --password "$ADMIN_PASS" 2> >(tee -a "$RUN_DIR/demo.log" >&2)) || die "step failed: demo data (log: $RUN_DIR/demo.log)"
}

backend_tests() {
  cd "$BACKEND"
  local workers="${MTF_TEST_WORKERS:-2}"
  local target="the embedded PostgreSQL 16"
  [ -n "${MTF_TEST_DATABASE_URL:-}" ] && target="the server named by MTF_TEST_DATABASE_URL"
  say "backend tests (pytest -n $workers) on $target"
  "$BACKEND/.venv/bin/pytest" -n "$workers" -p no:cacheprovider
}

# Frontend gates (issue 11), self-contained: install from the lock file, lint, format, types, API-types
# drift, unit tests, build with bundle budgets, then the end-to-end suite on the real backend.
frontend_tests() {
  local frontend="$ROOT/frontend"
  command -v npm >/dev/null 2>&1 || die "npm is required for the frontend gates (Node 20)"
  cd "$frontend"
  say "frontend: npm ci"; npm ci --no-audit --no-fund --loglevel=error
  say "frontend: npm ls --depth=0"; npm ls --depth=0 >/dev/null
  say "frontend: eslint"; npm run --silent lint
  say "frontend: prettier --check"; npm run --silent format:check
  say "frontend: tsc"; npm run --silent typecheck
  say "frontend: API types match the committed OpenAPI"; npm run --silent check:api
  say "frontend: vitest"; npm run --silent test
  say "frontend: build + bundle budgets"; npm run --silent build
  say "frontend: end-to-end (playwright-core driving /usr/bin/chromium on the real backend)"
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || die "Chromium is required for the e2e suite: apt-get install -y chromium"
  npm run --silent e2e
  say "frontend: end-to-end of /landing under the otp verification policy (the one-time code journeys)"
  MTF_LANDING_VERIFICATION=otp MTF_E2E_ONLY=03 npm run --silent e2e
}

test_mode() {
  install_backend
  cd "$BACKEND"
  say "ruff check"; "$BACKEND/.venv/bin/ruff" check app tests migrations benchmarks
  say "ruff format --check"; "$BACKEND/.venv/bin/ruff" format --check app tests migrations benchmarks
  say "mypy --strict app"; "$BACKEND/.venv/bin/mypy"
  say "lint-imports (module boundaries)"; "$BACKEND/.venv/bin/lint-imports"
  backend_tests
  frontend_tests
  say "all suites passed"
}

case "$MODE" in
  run) run_mode ;;
  demo) demo_mode ;;
  test) test_mode ;;
  test-backend) install_backend; backend_tests ;;
  *) die "usage: ./launch_all.sh [demo|test|test-backend]" ;;
esac
