"""Billing run benchmark: seed N contracts, bill a month on real `mtf-worker` processes, render PDFs, and
compare with the floor of a plain COPY of the same invoice and line rows.

    .venv/bin/python benchmarks/billing_run.py                     # 100,000 contracts
    .venv/bin/python benchmarks/billing_run.py --contracts 1000000 --pdf-seconds 60

It works in a scratch database (created on the server the application would use, or on --admin-url) and
drops it at the end unless --keep. Never part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg import sql

BACKEND_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BACKEND_DIR))

from scratch import admin_url, create_scratch_database, database_url, drop_database  # noqa: E402

from app.billing.schemas import BillingRunCreate  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.db import database  # noqa: E402
from app.dbserver import libpq_dsn  # noqa: E402

PERIOD_START, PERIOD_END = date(2026, 1, 1), date(2026, 1, 31)

# Mobile 60 %, internet 25 %, landline 15 % of the contracts (offer slot = contract number % 20).
OFFERS = [
    # code, name, category, service type, monthly fee, activation fee, slots
    ("BM-MOB-49", "Mobile 5 Go", "mobile", "mobile", "49.00", "0.00", 3),
    ("BM-MOB-99", "Mobile 20 Go", "mobile", "mobile", "99.00", "30.00", 4),
    ("BM-MOB-149", "Mobile 50 Go", "mobile", "mobile", "149.00", "30.00", 3),
    ("BM-MOB-199", "Mobile Illimité", "mobile", "mobile", "199.00", "50.00", 2),
    ("BM-FIB-299", "Fibre 100 Mb", "internet", "fiber", "299.00", "200.00", 2),
    ("BM-FIB-399", "Fibre 200 Mb", "internet", "fiber", "399.00", "200.00", 1),
    ("BM-ADSL-249", "ADSL 20 Mb", "internet", "adsl", "249.00", "100.00", 2),
    ("BM-FIX-79", "Fixe National", "landline", "landline", "79.00", "50.00", 3),
]

SEED_OFFERS = """
INSERT INTO offers (code, name, category, service_type, monthly_fee, activation_fee, valid_from, status,
                    mobile_data_gb, mobile_calls_hours, internet_access_type, internet_fiber_speed_mbps,
                    internet_adsl_speed_mbps, internet_landline_included, landline_national_included)
SELECT code, name, category, service_type, fee, activation, '2020-01-01', 'active',
       CASE WHEN category = 'mobile' THEN 20 END, CASE WHEN category = 'mobile' THEN 10 END,
       CASE WHEN category = 'internet' THEN service_type END,
       CASE WHEN service_type = 'fiber' THEN 100 END, CASE WHEN service_type = 'adsl' THEN 20 END,
       CASE WHEN category = 'internet' THEN true END, CASE WHEN category = 'landline' THEN true END
FROM (VALUES (%(code)s::varchar, %(name)s::varchar, %(category)s::varchar, %(service_type)s::varchar,
              %(monthly_fee)s::numeric, %(activation_fee)s::numeric))
     AS offer(code, name, category, service_type, fee, activation)
"""

SEED_CLIENTS = """
INSERT INTO clients (kind, cin, first_name, last_name, email, phone, address, city, status)
SELECT 'individual', 'BK' || i, 'Prénom' || i, 'Nom' || i, 'client' || i || '@example.ma',
       '+2126' || lpad(i::text, 8, '0'), i || ' avenue Mohammed V',
       (ARRAY['Rabat', 'Casablanca', 'Fès', 'Tanger', 'Agadir'])[1 + i % 5], 'active'
FROM generate_series(1, %(clients)s) AS i
"""

# Contract k belongs to client ((k-1) % clients) + 1: a third of the clients hold two contracts.
SEED_CONTRACTS = """
CREATE TEMP TABLE bench_client_index AS
    SELECT id, row_number() OVER (ORDER BY cin) AS position FROM clients;
CREATE INDEX ON bench_client_index (position);
CREATE TEMP TABLE bench_offer_slots AS
    SELECT o.id, o.service_type, o.monthly_fee, o.activation_fee, slot
    FROM offers o
    JOIN (SELECT code, generate_series(first_slot, first_slot + slots - 1) AS slot
          FROM (SELECT code, slots, sum(slots) OVER (ORDER BY code) - slots AS first_slot FROM bench_offer_weights) w
         ) s ON s.code = o.code;
CREATE TEMP TABLE bench_contracts AS
    SELECT k, c.id AS client_id, o.id AS offer_id, o.service_type, o.monthly_fee, o.activation_fee,
           CASE WHEN o.service_type = 'mobile' THEN '+2127' ELSE '+2125' END || lpad(k::text, 8, '0') AS phone_number,
           CASE WHEN k % 25 = 0 THEN DATE '2026-01-01' + (k % 31)          -- new this month: prorated + activation
                ELSE DATE '2023-01-01' + (k::bigint * 7919 % 1090)::int END AS start_date,
           CASE WHEN k % 100 = 3 THEN DATE '2026-01-15'                    -- plan change on the 16th
                WHEN k % 50 = 1 THEN DATE '2026-01-01' + (k % 28) END AS end_date, -- terminated this month
           CASE WHEN k % 50 = 1 OR k % 100 = 3 THEN 'terminated'
                WHEN k % 200 = 13 THEN 'suspended' ELSE 'active' END AS status
    FROM generate_series(1, %(contracts)s) AS k
    JOIN bench_client_index c ON c.position = ((k - 1) %% %(clients)s) + 1
    JOIN bench_offer_slots o ON o.slot = k %% 20;
INSERT INTO subscribers (client_id, service_type, phone_number, status, activated_on, terminated_on)
SELECT client_id, service_type, phone_number,
       CASE WHEN status = 'terminated' AND k % 100 <> 3 THEN 'terminated' ELSE 'active' END,
       start_date, CASE WHEN status = 'terminated' AND k % 100 <> 3 THEN end_date END
FROM bench_contracts;
INSERT INTO contracts (contract_number, client_id, offer_id, subscriber_id, service_type, status, decision,
                       start_date, end_date, monthly_fee, activation_fee, activation_fee_pending)
SELECT 'CT-BENCH-' || k, b.client_id, b.offer_id, s.id, b.service_type, b.status, 'created', b.start_date, b.end_date,
       b.monthly_fee, b.activation_fee, true
FROM bench_contracts b JOIN subscribers s ON s.phone_number = b.phone_number;
-- 1 %% change plan on the 16th: the old contract ends on the 15th, the new one (no activation fee) follows.
INSERT INTO contracts (contract_number, client_id, offer_id, subscriber_id, service_type, status, decision,
                       start_date, monthly_fee, activation_fee, activation_fee_pending, replaced_contract_id)
SELECT 'CT-BENCH-U' || b.k, k.client_id, k.offer_id, k.subscriber_id, k.service_type, 'active', 'upgraded',
       DATE '2026-01-16', k.monthly_fee + 50, 0, false, k.id
FROM bench_contracts b JOIN contracts k ON k.contract_number = 'CT-BENCH-' || b.k
WHERE b.k %% 100 = 3;
-- 1 %% suspended from the 10th to the 19th, 0.5 %% suspended since the 25th.
INSERT INTO contract_suspensions (contract_id, suspended_from, resumed_on)
SELECT k.id, DATE '2026-01-10', DATE '2026-01-20'
FROM bench_contracts b JOIN contracts k ON k.contract_number = 'CT-BENCH-' || b.k WHERE b.k %% 100 = 7;
INSERT INTO contract_suspensions (contract_id, suspended_from, resumed_on)
SELECT k.id, DATE '2026-01-25', NULL
FROM bench_contracts b JOIN contracts k ON k.contract_number = 'CT-BENCH-' || b.k WHERE b.k %% 200 = 13;
"""


def log(message: str) -> None:
    print(message, flush=True)


def reset_billing(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE invoice_documents, invoice_lines, billed_contract_months, billed_activations, invoices, "
            "billing_run_failures, billing_run_chunks, billing_runs, invoice_number_counters, procrastinate_jobs "
            "CASCADE"
        )
        conn.execute("DROP TABLE IF EXISTS bench_copy_invoices, bench_copy_lines")
        conn.execute("VACUUM ANALYZE")


def seed(dsn: str, contracts: int) -> None:
    clients = max(1, round(contracts * 0.6))
    with psycopg.connect(dsn) as conn:
        for code, name, category, service_type, fee, activation, _ in OFFERS:
            conn.execute(
                SEED_OFFERS,
                {
                    "code": code,
                    "name": name,
                    "category": category,
                    "service_type": service_type,
                    "monthly_fee": Decimal(fee),
                    "activation_fee": Decimal(activation),
                },
            )
        conn.execute("CREATE TEMP TABLE bench_offer_weights (code text, slots int)")
        with conn.cursor().copy("COPY bench_offer_weights FROM STDIN") as copy:
            for code, *_, slots in OFFERS:
                copy.write_row((code, slots))
        conn.execute(SEED_CLIENTS.replace("%(clients)s", str(clients)))
        conn.execute(
            SEED_CONTRACTS.replace("%(contracts)s", str(contracts))
            .replace("%(clients)s", str(clients))
            .replace("%%", "%")
        )
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


async def start_run(url: str, chunk_size: int) -> uuid.UUID:
    from app.billing.service import create_billing_run

    database.configure(url, pool_size=2)
    try:
        async with database.sessionmaker() as session, session.begin():
            run = await create_billing_run(session, BillingRunCreate(period_start=PERIOD_START, period_end=PERIOD_END))
            run.chunk_size = chunk_size
            return run.id
    finally:
        await database.dispose()


def start_workers(url: str, count: int, concurrency: int) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "MTF_DATABASE_URL": url,
        "MTF_ENVIRONMENT": "test",
        "MTF_LOG_LEVEL": "WARNING",
        "MTF_LOG_JSON": "false",
    }
    return [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module, no outside input
            [sys.executable, "-m", "app.worker", "--concurrency", str(concurrency), "--name", f"bench-{n}"],
            cwd=BACKEND_DIR,
            env=env,
        )
        for n in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from /proc (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class CpuMeter:
    """CPU time used by the worker processes and by the database backends serving this database.

    On a machine shared with other work, wall-clock figures depend on the load; CPU seconds do not, so
    they give the time the same work would take on dedicated cores.
    """

    def __init__(self, conn: psycopg.Connection[tuple[object, ...]], worker_pids: list[int]) -> None:
        self.conn = conn
        self.worker_pids = worker_pids

    def _backend_pids(self) -> list[int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        return [int(row[0]) for row in rows]  # type: ignore[call-overload]

    def snapshot(self) -> dict[str, dict[int, float]]:
        def read(pids: list[int]) -> dict[int, float]:
            return {pid: cpu for pid in pids if (cpu := process_cpu_seconds(pid)) is not None}

        return {"workers": read(self.worker_pids), "database": read(self._backend_pids())}

    @staticmethod
    def used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
        return {side: sum(cpu - before[side].get(pid, 0.0) for pid, cpu in after[side].items()) for side in after}


def render_only_rate(samples: int = 400) -> float:
    """PDFs per CPU-second of one core, rendering only (no database)."""
    from app.billing.documents import operator_identity
    from app.billing.pdf import InvoiceDocumentData, InvoiceLineData, render_invoice_pdf

    line = InvoiceLineData(
        "recurring",
        "mobile",
        "Mobile 20 Go",
        "+212612345678",
        PERIOD_START,
        PERIOD_END,
        31,
        0,
        31,
        Decimal("199.00"),
        Decimal("199.00"),
    )
    document = InvoiceDocumentData(
        "FAC-2026-000001",
        date(2026, 2, 1),
        date(2026, 2, 16),
        PERIOD_START,
        PERIOD_END,
        "Prénom1 Nom1",
        "BK1",
        "1 avenue Mohammed V, Rabat",
        "MAD",
        Decimal("398.00"),
        Decimal("0.20"),
        Decimal("79.60"),
        Decimal("477.60"),
        (line, line),
    )
    operator = operator_identity()
    started = time.process_time()
    for _ in range(samples):
        render_invoice_pdf(document, operator)
    return samples / (time.process_time() - started)


def run_state(conn: psycopg.Connection[tuple[object, ...]], run_id: uuid.UUID) -> dict[str, object]:
    cursor = conn.execute(
        "SELECT status, chunks_done, chunks_total, clients_total, contracts_count, invoices_count, lines_count,"
        " total_amount, pdfs_rendered, pdfs_ready, started_at, finished_at, now() AS now, error "
        "FROM billing_runs WHERE id = %s",
        (run_id,),
    )
    columns = [c.name for c in cursor.description or []]
    row = cursor.fetchone()
    assert row is not None
    return dict(zip(columns, row, strict=True))


def copy_floor(dsn: str, run_id: uuid.UUID) -> tuple[float, int, int]:
    """Seconds to COPY the run's invoice and line rows into plain scratch tables (the I/O floor)."""
    invoice_columns = (
        "id, invoice_number, billing_run_id, client_id, status, period_start, period_end, issue_date, due_date, "
        "currency, subtotal, tax_rate, tax_amount, total, lines_count, paid_amount"
    )
    line_columns = (
        "l.id, l.invoice_id, l.contract_id, l.kind, l.description, l.service_type, l.offer_id, l.offer_name, "
        "l.phone_number, l.period_start, l.period_end, l.active_days, l.days_in_period, l.unit_amount, l.amount"
    )
    with psycopg.connect(dsn) as conn:
        invoices, lines = io.BytesIO(), io.BytesIO()
        with conn.cursor().copy(
            sql.SQL("COPY (SELECT {} FROM invoices WHERE billing_run_id = {}) TO STDOUT").format(
                sql.SQL(invoice_columns), sql.Literal(str(run_id))
            )
        ) as copy:
            for data in copy:
                invoices.write(data)
        with conn.cursor().copy(
            sql.SQL(
                "COPY (SELECT {} FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
                "WHERE i.billing_run_id = {}) TO STDOUT"
            ).format(sql.SQL(line_columns), sql.Literal(str(run_id)))
        ) as copy:
            for data in copy:
                lines.write(data)
        conn.execute(f"CREATE TABLE bench_copy_invoices AS SELECT {invoice_columns} FROM invoices WITH NO DATA")
        conn.execute(
            f"CREATE TABLE bench_copy_lines AS SELECT {line_columns} FROM invoice_lines l "
            "JOIN invoices i ON i.id = l.invoice_id WITH NO DATA"
        )
        conn.commit()
        started = time.perf_counter()
        with conn.cursor().copy("COPY bench_copy_invoices FROM STDIN") as copy:
            copy.write(invoices.getvalue())
        with conn.cursor().copy("COPY bench_copy_lines FROM STDIN") as copy:
            copy.write(lines.getvalue())
        conn.commit()
        seconds = time.perf_counter() - started
        invoice_rows = conn.execute("SELECT count(*) FROM bench_copy_invoices").fetchone()
        line_rows = conn.execute("SELECT count(*) FROM bench_copy_lines").fetchone()
    return seconds, int(invoice_rows[0] if invoice_rows else 0), int(line_rows[0] if line_rows else 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="mtf-worker processes (one per core)")
    parser.add_argument("--concurrency", type=int, default=1, help="jobs at once per worker process")
    parser.add_argument("--chunk-size", type=int, default=get_settings().billing_chunk_size, help="clients per chunk")
    parser.add_argument("--pdf-seconds", type=float, default=120, help="stop measuring PDFs after this long")
    parser.add_argument("--admin-url", default=os.environ.get("MTF_BENCH_DATABASE_URL"), help="server to use")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", metavar="DATABASE", help="a database kept earlier: its billing is reset, no seeding")
    args = parser.parse_args()

    server = admin_url(args.admin_url)
    name = args.reuse or f"mtf_bench_{uuid.uuid4().hex[:8]}"
    log(f"scratch database {name}; {os.cpu_count()} CPUs; load average {os.getloadavg()}")
    if args.reuse:
        url = database_url(server, name)
        reset_billing(libpq_dsn(url))
    else:
        url = create_scratch_database(server, name)
    dsn = libpq_dsn(url)
    try:
        if not args.reuse:
            started = time.perf_counter()
            seed(dsn, args.contracts)
            log(f"seeded {args.contracts:,} contracts in {time.perf_counter() - started:.1f} s")

        workers = start_workers(url, args.workers, args.concurrency)
        monitor = psycopg.connect(dsn, autocommit=True)
        try:
            while (monitor.execute("SELECT count(*) FROM procrastinate_workers").fetchone() or (0,))[0] < args.workers:
                time.sleep(0.2)
            meter = CpuMeter(monitor, [worker.pid for worker in workers])
            load_before = os.getloadavg()
            cpu_start = meter.snapshot()
            run_id = asyncio.run(start_run(url, args.chunk_size))
            while (state := run_state(monitor, run_id))["status"] not in ("completed", "failed"):
                time.sleep(0.2)
            cpu_invoiced = meter.snapshot()
            if state["status"] == "failed":
                log(f"run failed: {state['error']}")
                return 1
            load_during = os.getloadavg()
            invoicing = (state["finished_at"] - state["started_at"]).total_seconds()  # type: ignore[operator]
            pdf_deadline = time.monotonic() + args.pdf_seconds
            while not (state := run_state(monitor, run_id))["pdfs_ready"] and time.monotonic() < pdf_deadline:
                time.sleep(0.5)
            cpu_rendered = meter.snapshot()
            pdf_seconds = (state["now"] - state["finished_at"]).total_seconds()  # type: ignore[operator]
        finally:
            stop_workers(workers)
            monitor.close()
        invoicing_cpu = CpuMeter.used(cpu_start, cpu_invoiced)
        pdf_cpu = CpuMeter.used(cpu_invoiced, cpu_rendered)

        integrity = check_integrity(dsn, run_id)
        copy_seconds, copied_invoices, copied_lines = copy_floor(dsn, run_id)
        contracts = int(state["contracts_count"])  # type: ignore[call-overload]
        pdfs = int(state["pdfs_rendered"])  # type: ignore[call-overload]
        log("")
        log(f"clients billed          {state['clients_total']:>12,}")
        log(f"contracts invoiced      {contracts:>12,}")
        log(f"invoices / lines        {state['invoices_count']:>12,} / {state['lines_count']:,}")
        log(f"total billed (MAD)      {state['total_amount']:>12,}")
        log(f"chunks                  {state['chunks_total']:>12,} of {args.chunk_size} clients")
        log(f"invoicing               {invoicing:>12.2f} s  -> {contracts / invoicing:,.0f} contracts/s")
        log(f"COPY floor (same rows)  {copy_seconds:>12.2f} s  ({copied_invoices:,} invoices + {copied_lines:,} lines)")
        log(f"ratio to the COPY floor {invoicing / copy_seconds:>12.2f} x")
        total_cpu = invoicing_cpu["workers"] + invoicing_cpu["database"]
        log(
            f"invoicing CPU           {total_cpu:>12.2f} s  (database {invoicing_cpu['database']:.2f} s, "
            f"workers {invoicing_cpu['workers']:.2f} s) -> {contracts / total_cpu:,.0f} contracts per CPU-second, "
            f"~{total_cpu / args.workers:.1f} s on {args.workers} dedicated cores"
        )
        stopped = "" if state["pdfs_ready"] else " (stopped before the end)"
        log(
            f"PDFs                    {pdfs:>12,} in {pdf_seconds:.1f} s -> {pdfs / pdf_seconds:,.0f} PDFs/s "
            f"({pdfs / pdf_seconds / args.workers:,.0f} per worker process){stopped}"
        )
        pdf_total_cpu = pdf_cpu["workers"] + pdf_cpu["database"]
        if pdfs:
            log(
                f"PDF CPU                 {pdf_total_cpu:>12.2f} s  -> {pdfs / pdf_total_cpu:,.0f} PDFs per CPU-second "
                f"(render only: {render_only_rate():,.0f} per CPU-second)"
            )
        log(f"workers                 {args.workers} processes x concurrency {args.concurrency}")
        log(
            f"integrity               {integrity['invoices']:,} invoices, {integrity['numbers']:,} distinct numbers, "
            f"{integrity['gaps']} gaps ({integrity['first']} .. {integrity['last']}); "
            f"{integrity['twice']} contract periods billed twice"
        )
        log(f"load average            before {load_before[0]:.2f}, end of invoicing {load_during[0]:.2f}")
    finally:
        if args.keep or args.reuse:
            log(f"kept database {name}")
        else:
            drop_database(server, name)
    return 0


def check_integrity(dsn: str, run_id: str) -> dict[str, object]:
    """What must hold however many workers billed the chunks: gapless distinct numbers, each contract's
    recurring line once (the scale-out proof of issue 16; the database guards it, this shows it held)."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "WITH n AS (SELECT invoice_number, substring(invoice_number FROM '[0-9]+$')::bigint AS seq "
            "FROM invoices WHERE billing_run_id = %s) "
            "SELECT count(*), count(DISTINCT invoice_number), min(invoice_number), max(invoice_number), "
            "max(seq) - min(seq) + 1 - count(*) FROM n",
            (run_id,),
        ).fetchone()
        twice = conn.execute(
            "SELECT count(*) FROM (SELECT l.contract_id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
            "WHERE i.billing_run_id = %s AND l.kind = 'recurring' "
            "GROUP BY l.contract_id, l.period_start HAVING count(*) > 1) d",
            (run_id,),
        ).fetchone()
    assert row is not None
    assert twice is not None
    invoices, numbers, first, last, gaps = row
    result = {"invoices": invoices, "numbers": numbers, "first": first, "last": last}
    result |= {"gaps": gaps, "twice": twice[0]}
    if numbers != invoices or gaps or twice[0]:
        raise SystemExit(f"integrity broken: {result}")
    return result


if __name__ == "__main__":
    sys.exit(main())
