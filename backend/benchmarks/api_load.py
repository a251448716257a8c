"""API under load: seed a base, serve it the way production does (`mtf serve --workers N`), drive it with Locust
and compare every route with the floor (a bare endpoint of the same server doing one primary-key select).

    .venv/bin/python benchmarks/api_load.py                                   # 100k clients, 20 s per phase
    .venv/bin/python benchmarks/api_load.py --clients 2000 --duration 4      # smoke run, under a minute

Phases, one after the other on the same server: the floor, each read route alone, the read mix, then payments
(50 writers, each paying its own client, every request with its own Idempotency-Key). Each phase is a closed
loop (no think time): the throughput is what the machine sustains with that many users. It works in a
scratch database (on the server the application would use, or --admin-url) dropped at the end unless --keep.
Never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import psycopg

BENCH_DIR = Path(__file__).resolve().parent
BACKEND_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BACKEND_DIR))
os.environ.setdefault("MTF_ENVIRONMENT", "test")

from scratch import admin_url, create_scratch_database, database_url, drop_database  # noqa: E402

from app.auth.models import User  # noqa: E402
from app.auth.service import issue_access_token  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.dbserver import libpq_dsn  # noqa: E402

READ_PHASES = [
    "client search",
    "client detail",
    "invoice list by client",
    "invoice detail",
    "contract list by client",
    "landing",
]

# Client i: CIN BK<i>; contract k belongs to client ((k - 1) % clients) + 1, invoice j to client
# ((j - 1) % clients) + 1 in run (j - 1) / clients: one invoice per client and month, each with one line.
SEED = """
INSERT INTO offers (code, name, category, service_type, monthly_fee, activation_fee, valid_from, status,
                    mobile_data_gb, mobile_calls_hours)
VALUES ('BM-MOB-99', 'Mobile 20 Go', 'mobile', 'mobile', 100.00, 0, '2020-01-01', 'active', 20, 10);

INSERT INTO clients (kind, cin, first_name, last_name, email, phone, address, city, status, created_at, updated_at)
SELECT 'individual', 'BK' || i, 'Prénom' || i, 'Nom' || i, 'client' || i || '@example.ma',
       '+2126' || lpad(i::text, 8, '0'), i || ' avenue Mohammed V',
       (ARRAY['Rabat', 'Casablanca', 'Fès', 'Tanger', 'Agadir'])[1 + i % 5], 'active',
       TIMESTAMPTZ '2024-01-01' + i * INTERVAL '1 minute', TIMESTAMPTZ '2024-01-01' + i * INTERVAL '1 minute'
FROM generate_series(1, {clients}) AS i;

CREATE TEMP TABLE bench_clients AS SELECT id, substr(cin, 3)::int AS position FROM clients;
CREATE UNIQUE INDEX ON bench_clients (position);

INSERT INTO subscribers (client_id, service_type, phone_number, status, activated_on)
SELECT c.id, 'mobile', '+2127' || lpad(k::text, 8, '0'), 'active', DATE '2024-06-01'
FROM generate_series(1, {contracts}) AS k JOIN bench_clients c ON c.position = ((k - 1) % {clients}) + 1;

INSERT INTO contracts (contract_number, client_id, offer_id, offer_name, subscriber_id, service_type, status,
                       decision, start_date, monthly_fee, activation_fee, activation_fee_pending)
SELECT 'CT-BENCH-' || substr(s.phone_number, 6)::int, s.client_id, o.id, o.name, s.id, 'mobile', 'active', 'created',
       DATE '2024-06-01', o.monthly_fee, 0, false
FROM subscribers s CROSS JOIN offers o;

INSERT INTO billing_runs (status, dry_run, period_start, period_end, issue_date, due_days, tax_rate, chunk_size,
                          chunks_total, chunks_done, clients_total, clients_processed, clients_failed,
                          contracts_count, invoices_count, lines_count, total_amount, pdfs_rendered, pdfs_ready)
SELECT 'completed', false, month, (month + INTERVAL '1 month - 1 day')::date, (month + INTERVAL '1 month')::date,
       15, 0.20, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false
FROM (SELECT (DATE '2025-10-01' + r * INTERVAL '1 month')::date AS month
      FROM generate_series(0, ({invoices} - 1) / {clients}) AS r) AS months;

CREATE TEMP TABLE bench_runs AS
    SELECT id, period_start, period_end, issue_date, row_number() OVER (ORDER BY period_start) - 1 AS position
    FROM billing_runs;

-- Lines first: an invoice takes no lines once issued, and the line -> invoice key is checked at commit.
CREATE TEMP TABLE bench_invoices AS
SELECT gen_random_uuid() AS id, 'FAC-2025-' || lpad(j::text, 6, '0') AS invoice_number, r.id AS billing_run_id,
       c.id AS client_id, c.position, r.period_start, r.period_end, r.issue_date
FROM generate_series(1, {invoices}) AS j
JOIN bench_clients c ON c.position = ((j - 1) % {clients}) + 1
JOIN bench_runs r ON r.position = (j - 1) / {clients};

INSERT INTO invoice_lines (invoice_id, contract_id, kind, description, service_type, offer_id, offer_name,
                           phone_number, period_start, period_end, active_days, days_in_period, unit_amount, amount)
SELECT i.id, k.id, 'recurring', 'Abonnement ' || k.offer_name, 'mobile', k.offer_id, k.offer_name, s.phone_number,
       i.period_start, i.period_end, i.period_end - i.period_start + 1, i.period_end - i.period_start + 1,
       100.00, 100.00
FROM bench_invoices i
JOIN contracts k ON k.contract_number = 'CT-BENCH-' || i.position
JOIN subscribers s ON s.id = k.subscriber_id;

INSERT INTO invoices (id, invoice_number, billing_run_id, client_id, status, period_start, period_end, issue_date,
                      due_date, subtotal, tax_rate, tax_amount, total, lines_count)
SELECT id, invoice_number, billing_run_id, client_id, 'issued', period_start, period_end, issue_date,
       issue_date + 15, 100.00, 0.20, 20.00, 120.00, 1
FROM bench_invoices;

INSERT INTO users (username, kind, password_hash, roles, is_active)
VALUES ('bench-staff', 'staff', 'not-a-login', ARRAY['operator', 'billing', 'collections'], true);
"""


def log(message: str = "") -> None:
    print(message, flush=True)


def seed(dsn: str, clients: int, contracts: int, invoices: int) -> None:
    if contracts < clients or invoices < clients:
        raise SystemExit("every client needs a contract and an invoice: --contracts and --invoices >= --clients")
    with psycopg.connect(dsn) as conn:
        conn.execute(SEED.format(clients=clients, contracts=contracts, invoices=invoices).encode())
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def write_bench_data(dsn: str, path: Path, writers: int, secret: str) -> None:
    """Ids the Locust users pick from (random clients and invoices) and one staff token."""
    with psycopg.connect(dsn) as conn:
        clients = [
            {"id": str(row[0]), "cin": row[1], "last_name": row[2]}
            for row in conn.execute("SELECT id, cin, last_name FROM clients ORDER BY random() LIMIT 5000")
        ]
        invoices = [str(row[0]) for row in conn.execute("SELECT id FROM invoices ORDER BY random() LIMIT 5000")]
        payers = [str(row[0]) for row in conn.execute("SELECT id FROM clients ORDER BY cin LIMIT %s", (writers,))]
    settings = get_settings().model_copy(update={"jwt_secret": _secret(secret)})
    token, _ = issue_access_token(
        settings, User(username="bench-staff", roles=["operator", "billing", "collections"], token_version=0)
    )
    path.write_text(
        json.dumps(
            {"token": token, "clients": clients, "invoices": invoices, "payers": payers, "payment_amount": "0.05"}
        ),
        encoding="utf-8",
    )


def _secret(value: str) -> Any:
    from pydantic import SecretStr

    return SecretStr(value)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_api(url: str, port: int, workers: int, secret: str, log_file: Path) -> subprocess.Popen[bytes]:
    """`mtf serve --workers N` with the benchmark's app factory (the product app plus the floor route)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(BACKEND_DIR), str(BENCH_DIR)]),
        "MTF_DATABASE_URL": url,
        "MTF_JWT_SECRET": secret,
        "MTF_LOG_LEVEL": "INFO",
        "MTF_LOG_JSON": "true",
        "MTF_RUN_WORKER_IN_PROCESS": "false",
        # One load generator on one address: the per-address and per-CIN landing limits would refuse it.
        "MTF_LANDING_RATE_LIMIT": "10000000/minute",
        "MTF_LANDING_VERIFY_CIN_RATE_LIMIT": "10000000/minute",
        "MTF_LANDING_VERIFY_CIN_PER_CIN_RATE_LIMIT": "10000000/minute",
    }
    code = f"from app.cli import serve; serve('127.0.0.1', {port}, {workers}, 'api_load_app:build_app')"
    with log_file.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", code], cwd=BACKEND_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as ready:
                if ready.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            break
    server.terminate()
    raise SystemExit(f"the API did not become ready; see {log_file}")


def run_phase(phase: str, port: int, users: int, seconds: float, data: Path, work: Path) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=10) as ready:
        if ready.status != 200:
            raise SystemExit(f"the API is not ready before the {phase} phase")
    out = work / f"{phase.replace(' ', '_')}.json"
    env = {**os.environ, "BENCH_DATA": str(data), "BENCH_PHASE": phase, "BENCH_OUT": str(out)}
    subprocess.run(  # noqa: S603 - our own interpreter and Locust
        [
            sys.executable, "-m", "locust", "-f", str(BENCH_DIR / "api_load_locustfile.py"), "--headless",
            "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds:g}s",
            "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "10",
        ],
        env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def percentile(sorted_ms: list[float], fraction: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(fraction * len(sorted_ms)))]


def route_figures(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    figures = {}
    seconds = max(result["seconds"], 1e-9)
    for name, samples in result["samples"].items():
        ordered = sorted(samples)
        figures[name] = {
            "count": len(ordered),
            "failures": result["failures"].get(name, 0),
            "rps": len(ordered) / seconds,
            "p50": percentile(ordered, 0.50),
            "p95": percentile(ordered, 0.95),
            "p99": percentile(ordered, 0.99),
        }
    for name, failed in result["failures"].items():
        figures.setdefault(name, {"count": 0, "failures": failed, "rps": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0})
    return figures


def show(title: str, figures: dict[str, dict[str, float]], floor_rps: float | None) -> None:
    log(title)
    for name, f in figures.items():
        ratio = f" {f['rps'] / floor_rps:6.2f} x floor" if floor_rps else ""
        log(
            f"  {name:<32} {f['rps']:8.1f} req/s  p50 {f['p50']:7.1f}  p95 {f['p95']:7.1f}  p99 {f['p99']:7.1f} ms"
            f"  ({int(f['count']):,} ok, {int(f['failures'])} failed){ratio}"
        )


def payment_checks(dsn: str, payers: list[str]) -> dict[str, Any]:
    with psycopg.connect(dsn) as conn:
        overpaid = conn.execute("SELECT count(*) FROM invoices WHERE paid_amount + credit_applied > total").fetchone()
        paid = conn.execute(
            "SELECT coalesce(sum(paid_amount), 0) FROM invoices WHERE client_id = ANY(%s::uuid[])", (payers,)
        ).fetchone()
        received = conn.execute(
            "SELECT count(*), coalesce(sum(amount), 0) FROM payments WHERE client_id = ANY(%s::uuid[])", (payers,)
        ).fetchone()
    assert overpaid is not None
    assert paid is not None
    assert received is not None
    return {"overpaid_invoices": overpaid[0], "allocated": paid[0], "payments": received[0], "received": received[1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--contracts", type=int, help="default: 1.5 x clients")
    parser.add_argument("--invoices", type=int, help="default: 3 x clients")
    parser.add_argument("--duration", type=float, default=20, help="seconds per phase")
    parser.add_argument("--users", type=int, default=16, help="concurrent Locust users in the read phases")
    parser.add_argument("--writers", type=int, default=50, help="concurrent payment writers, one client each")
    parser.add_argument("--workers", type=int, default=2, help="API processes (mtf serve --workers)")
    parser.add_argument("--phases", default="all", help="comma-separated subset: floor,reads,mix,payments")
    parser.add_argument("--admin-url", default=os.environ.get("MTF_BENCH_DATABASE_URL"), help="server to use")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", metavar="DATABASE", help="a database kept earlier with --keep: no seeding")
    args = parser.parse_args()
    contracts = args.contracts or args.clients * 3 // 2
    invoices = args.invoices or args.clients * 3
    phases = {"floor", "reads", "mix", "payments"} if args.phases == "all" else set(args.phases.split(","))

    server_url = admin_url(args.admin_url)
    name = args.reuse or f"mtf_bench_api_{uuid.uuid4().hex[:8]}"
    log(f"scratch database {name}; {os.cpu_count()} CPUs; load average {os.getloadavg()}")
    url = database_url(server_url, name) if args.reuse else create_scratch_database(server_url, name)
    dsn = libpq_dsn(url)
    secret = secrets.token_urlsafe(32)
    work = Path(tempfile.mkdtemp(prefix="mtf-api-load-"))
    try:
        if not args.reuse:
            started = time.perf_counter()
            seed(dsn, args.clients, contracts, invoices)
            log(
                f"seeded {args.clients:,} clients, {contracts:,} contracts, {invoices:,} invoices "
                f"in {time.perf_counter() - started:.1f} s"
            )
        data = work / "data.json"
        write_bench_data(dsn, data, args.writers, secret)
        port = free_port()
        api = start_api(url, port, args.workers, secret, work / "api.log")
        loads = [os.getloadavg()[0]]
        try:
            run_phase("mix", port, args.users, min(5.0, args.duration), data, work)  # warm-up, not reported
            floor_rps = None
            log(f"\nclosed loop, {args.users} users per read phase, {args.duration:g} s per phase, "
                f"{args.workers} API processes")  # fmt: skip
            if "floor" in phases:
                floor = route_figures(run_phase("floor", port, args.users, args.duration, data, work))
                floor_rps = next(iter(floor.values()))["rps"]
                show("floor", floor, None)
                loads.append(os.getloadavg()[0])
            if "reads" in phases:
                for phase in READ_PHASES:
                    show(f"{phase} (alone)", route_figures(run_phase(phase, port, args.users, args.duration, data,
                                                                     work)), floor_rps)  # fmt: skip
                    loads.append(os.getloadavg()[0])
            if "mix" in phases:
                mix = route_figures(run_phase("mix", port, args.users, args.duration, data, work))
                show("read mix (weights 2:4:3:3:2:1)", mix, floor_rps)
                log(f"  {'all reads':<32} {sum(f['rps'] for f in mix.values()):8.1f} req/s")
                loads.append(os.getloadavg()[0])
            if "payments" in phases:
                before = payment_checks(dsn, json.loads(data.read_text())["payers"])
                result = run_phase("payments", port, args.writers, args.duration, data, work)
                show(f"payments ({args.writers} writers, one client each)", route_figures(result), None)
                after = payment_checks(dsn, json.loads(data.read_text())["payers"])
                log(
                    f"  refused as overpayment: {result['refused'].get('payment', 0)}; payments stored "
                    f"{after['payments'] - before['payments']:,}; "
                    f"received {after['received'] - before['received']} MAD, "
                    f"allocated {after['allocated'] - before['allocated']} MAD; "
                    f"invoices paid beyond their total: {after['overpaid_invoices']}"
                )
                loads.append(os.getloadavg()[0])
        finally:
            api.terminate()
            try:
                api.wait(timeout=30)
            except subprocess.TimeoutExpired:
                api.kill()
        log(f"\nload average (1 min) before and after each phase: {', '.join(f'{x:.2f}' for x in loads)}")
    finally:
        if args.keep or args.reuse:
            log(f"kept database {name}")
        else:
            drop_database(server_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
