"""The billing run pipeline, set-based: plan the run into chunks of clients, bill each chunk in one
transaction with a handful of INSERT … SELECT statements, finish the run when the last chunk commits.

Every function here works in the session it is given and never commits: the jobs in app.billing.tasks
open one session per chunk and commit it, `service.run_billing_to_completion` runs them all in the
caller's transaction. Rules (docs/billing.md):

- recurring line per contract and calendar month: monthly_fee × billed_days / days_in_month, half-up to
  2 decimals; billed days are the period's days the contract was live, minus suspended days, minus days
  already billed by an earlier run (the billed_contract_months guard);
- activation line: the activation fee, once, in the first run whose period contains the start date;
- invoice: subtotal = Σ lines, tax = subtotal × rate half-up, total = subtotal + tax; no invoice at zero;
- legal number FAC-YYYY-NNNNNN from a per-year counter row locked until commit: gapless, never repeated.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import credit_notes, metrics
from app.billing.models import BillingRun, BillingRunChunk, BillingRunFailure
from app.kit.audit import record_audit
from app.kit.correlation import SYSTEM_ACTOR
from app.kit.dates import utc_today
from app.kit.locks import LockNamespace, lock

logger = logging.getLogger(__name__)

# Must equal app.kit.locks.LockNamespace.CLIENT and the key lock_client() derives (hashtext of the uuid
# text): payments and provisioning of a client wait while its chunk is being billed, and vice versa.
_LOCK_CHUNK_CLIENTS = text(
    """
    SELECT array_agg(client_id ORDER BY client_id)
    FROM (
        SELECT client_id, pg_advisory_xact_lock(CAST(:namespace AS int), hashtext(client_id::text))
        FROM (
            SELECT DISTINCT client_id
            FROM contracts
            WHERE (CAST(:lower AS uuid) IS NULL OR client_id > CAST(:lower AS uuid))
              AND (CAST(:upper AS uuid) IS NULL OR client_id <= CAST(:upper AS uuid))
              AND start_date <= CAST(:period_end AS date)
              AND (end_date IS NULL OR end_date >= CAST(:period_start AS date))
            ORDER BY client_id
        ) AS chunk_clients
    ) AS locked
    """
)

# Chunk boundaries: every chunk_size-th billable client id closes a chunk; the last chunk is open-ended
# and the first starts at the bottom, so together they cover every client id there can be.
_PLAN_CHUNKS = text(
    """
    WITH billable_clients AS (
        SELECT DISTINCT client_id
        FROM contracts
        WHERE start_date <= CAST(:period_end AS date)
          AND (end_date IS NULL OR end_date >= CAST(:period_start AS date))
    ), numbered AS (
        SELECT client_id, row_number() OVER (ORDER BY client_id) AS position, count(*) OVER () AS total
        FROM billable_clients
    ), boundaries AS (
        SELECT client_id, position, total, (position - 1) / CAST(:chunk_size AS int) AS chunk_index
        FROM numbered
        WHERE position % CAST(:chunk_size AS int) = 0 OR position = total
    ), inserted AS (
        INSERT INTO billing_run_chunks (billing_run_id, chunk_index, lower_client_id, upper_client_id,
                                        planned_clients, status, invoices_count)
        SELECT CAST(:run_id AS uuid), chunk_index,
               lag(client_id) OVER (ORDER BY chunk_index),
               CASE WHEN position = total THEN NULL ELSE client_id END,
               position - chunk_index * CAST(:chunk_size AS int),
               'pending', 0
        FROM boundaries
        RETURNING planned_clients
    )
    SELECT count(*), COALESCE(sum(planned_clients), 0) FROM inserted
    """
)

_CREATE_WORK_TABLE = text(
    """
    CREATE TEMP TABLE IF NOT EXISTS billing_chunk_lines (
        line_id uuid NOT NULL,
        invoice_id uuid NOT NULL,
        client_id uuid NOT NULL,
        contract_id uuid NOT NULL,
        kind varchar(20) NOT NULL,
        description varchar(200) NOT NULL,
        service_type varchar(20) NOT NULL,
        offer_id uuid NOT NULL,
        offer_name varchar(120) NOT NULL,
        phone_number varchar(13) NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        active_days smallint NOT NULL,
        suspended_days smallint NOT NULL,
        days_in_period smallint NOT NULL,
        unit_amount numeric(14, 2) NOT NULL,
        amount numeric(14, 2) NOT NULL,
        billed_month date,
        days_mask bigint
    ) ON COMMIT DELETE ROWS
    """
)

# The lines of one batch of clients, computed in one statement. A contract is billable for the days
# it was live: start_date to end_date (a terminated contract is billed until its end date), minus suspended
# days (suspended_from inclusive, resumed_on exclusive), minus days already billed, from its first unbilled
# day (`bill_from`, see docs/billing.md "Catch-up") to the period's end. A contract-month is prorated
# cumulatively: the days a run adds to the `before` days already billed cost
# round(fee × (before + added) / n) − round(fee × before / n), so the pieces of a month add up to its fee.
_COMPUTE_LINES = text(
    """
    INSERT INTO billing_chunk_lines
    WITH billable AS MATERIALIZED (
        -- The range predicate lets the planner use the client index; ANY() keeps exactly the locked clients.
        SELECT k.id AS contract_id, k.client_id, k.offer_id, k.service_type, k.monthly_fee, k.activation_fee,
               k.activation_fee_pending, k.start_date, k.offer_name,
               COALESCE(k.end_date, CASE WHEN k.status = 'terminated'
                                         THEN (k.terminated_at AT TIME ZONE 'UTC')::date END) AS last_day,
               (SELECT s.phone_number FROM subscribers s WHERE s.id = k.subscriber_id) AS phone_number,
               (SELECT bm.billed_month + (length(ltrim(bm.days_mask::bit(32)::text, '0')) - 1)
                FROM billed_contract_months bm WHERE bm.contract_id = k.id
                ORDER BY bm.billed_month DESC LIMIT 1) AS billed_through
        FROM contracts k
        WHERE k.client_id BETWEEN CAST(:first_client AS uuid) AND CAST(:last_client AS uuid)
          AND k.client_id = ANY(CAST(:client_ids AS uuid[]))
          AND k.start_date <= CAST(:period_end AS date)
          AND (k.end_date IS NULL OR k.end_date >= CAST(:period_start AS date))
    ), anchored AS (
        -- Catch-up: a contract already billed resumes the day after its last billed day (no hole before a
        -- billed month); a contract never billed whose days an earlier real run already covered (signed
        -- back-dated, or parked) is billed from its start, or from the first real run's start if later.
        -- Any other contract is billed from the period's start.
        SELECT b.*,
               CASE WHEN b.billed_through IS NOT NULL
                        THEN LEAST(CAST(:period_start AS date), b.billed_through + 1)
                    WHEN b.start_date < CAST(:period_start AS date)
                        THEN GREATEST(b.start_date, COALESCE((
                            SELECT min(r.period_start) FROM billing_runs r
                            WHERE NOT r.dry_run AND r.status <> 'queued'
                              AND r.period_start < CAST(:period_start AS date) AND r.period_end >= b.start_date
                        ), CAST(:period_start AS date)))
                    ELSE CAST(:period_start AS date)
               END AS bill_from
        FROM billable b
    ), months AS (
        SELECT m::date AS month_start,
               (m + interval '1 month - 1 day')::date AS month_end,
               extract(day FROM m + interval '1 month - 1 day')::int AS days_in_month
        FROM generate_series(
            date_trunc('month', LEAST(CAST(:period_start AS date),
                                      COALESCE((SELECT min(bill_from) FROM anchored), CAST(:period_start AS date)))),
            CAST(:period_end AS date), interval '1 month') AS m
    ), segments AS (
        SELECT b.*, m.month_start, m.month_end, m.days_in_month,
               GREATEST(b.bill_from, m.month_start, b.start_date) AS segment_start,
               LEAST(CAST(:period_end AS date), m.month_end, COALESCE(b.last_day, m.month_end)) AS segment_end
        FROM anchored b JOIN months m ON m.month_end >= b.bill_from
    ), masked AS MATERIALIZED (
        SELECT g.*,
               COALESCE((
                   SELECT bit_or(billing_day_mask(GREATEST(s.suspended_from, g.month_start),
                                                  LEAST(COALESCE(s.resumed_on - 1, g.month_end), g.month_end)))
                   FROM contract_suspensions s
                   WHERE s.contract_id = g.contract_id
                     AND s.suspended_from <= g.month_end
                     AND (s.resumed_on IS NULL OR s.resumed_on > g.month_start)
               ), 0) AS suspended_mask,
               COALESCE((
                   SELECT bm.days_mask FROM billed_contract_months bm
                   WHERE bm.contract_id = g.contract_id AND bm.billed_month = g.month_start
               ), 0) AS billed_mask
        FROM segments g
        WHERE g.segment_start <= g.segment_end
    ), recurring AS (
        SELECT m.*, billing_day_mask(m.segment_start, m.segment_end) & ~m.suspended_mask & ~m.billed_mask AS mask,
               bit_count(m.billed_mask::bit(64))::int AS billed_before
        FROM masked m
    ), spans AS (
        SELECT r.*,
               r.month_start + (strpos(reverse(r.mask::bit(64)::text), '1') - 1) AS first_day,
               r.month_start + (64 - strpos(r.mask::bit(64)::text, '1')) AS last_billed_day,
               round(r.monthly_fee * (r.billed_before + bit_count(r.mask::bit(64))) / r.days_in_month, 2)
               - round(r.monthly_fee * r.billed_before / r.days_in_month, 2) AS amount
        FROM recurring r
        WHERE r.mask <> 0
    ), lines AS (
        SELECT client_id, contract_id, 'recurring' AS kind, 'Abonnement ' || offer_name AS description,
               service_type, offer_id, offer_name, phone_number,
               first_day AS period_start, last_billed_day AS period_end,
               bit_count(mask::bit(64))::int AS active_days,
               bit_count((suspended_mask & billing_day_mask(first_day, last_billed_day))::bit(64))::int
                   AS suspended_days,
               days_in_month AS days_in_period,
               monthly_fee AS unit_amount,
               amount,
               month_start AS billed_month,
               mask AS days_mask
        FROM spans
        -- No 0.00 line: it would be printed and mark its days billed; those days are billed with later ones.
        WHERE amount > 0
        UNION ALL
        SELECT client_id, contract_id, 'activation', 'Frais d''activation ' || offer_name,
               service_type, offer_id, offer_name, phone_number,
               start_date, start_date, 1, 0, 1, activation_fee, activation_fee, NULL, NULL
        FROM anchored b
        WHERE activation_fee_pending AND activation_fee > 0
          AND start_date BETWEEN bill_from AND CAST(:period_end AS date)
          -- A contract that ended before its first day (cancelled, or replaced on its start date, which
          -- carries the fee to the new contract) was never activated.
          AND (last_day IS NULL OR last_day >= start_date)
          AND NOT EXISTS (SELECT 1 FROM billed_activations a WHERE a.contract_id = b.contract_id)
    ), invoiced_clients AS (
        -- A client whose lines add up to zero gets no invoice (and nothing is recorded as billed).
        SELECT client_id, row_number() OVER (ORDER BY client_id)::int AS client_position
        FROM lines
        GROUP BY client_id
        HAVING sum(amount) > 0
    ), identified AS (
        -- Ids derive from the batch's time-ordered id (invoice: client position in the last 4 bytes,
        -- line: its position in the invoice in bytes 11-12): unique, index-friendly, and far cheaper
        -- than a random uuid per row.
        SELECT l.*, overlay(uuid_send(CAST(:batch_id AS uuid)) PLACING int4send(c.client_position) FROM 13 FOR 4)
                    AS invoice_key,
               row_number() OVER (PARTITION BY l.client_id
                                  ORDER BY l.kind, l.service_type, l.phone_number, l.period_start)::smallint
                    AS line_position
        FROM lines l
        JOIN invoiced_clients c ON c.client_id = l.client_id
    )
    SELECT encode(overlay(invoice_key PLACING int2send(line_position) FROM 11 FOR 2), 'hex')::uuid,
           encode(invoice_key, 'hex')::uuid, client_id, contract_id, kind, description, service_type, offer_id,
           offer_name, phone_number, period_start, period_end, active_days, suspended_days, days_in_period,
           unit_amount, amount, billed_month, days_mask
    FROM identified
    """
)

# The anti-double-billing guard. The primary key (contract_id, billed_month) admits one row per contract
# and month; a later run may only add days that are not set yet. Rows refused by the WHERE are missing
# from RETURNING, and the batch then fails instead of billing a day twice.
_CLAIM_DAYS = text(
    """
    WITH claimed AS (
        INSERT INTO billed_contract_months AS b (contract_id, billed_month, days_mask, last_billing_run_id)
        SELECT contract_id, billed_month, days_mask, CAST(:run_id AS uuid)
        FROM billing_chunk_lines
        WHERE kind = 'recurring'
        ON CONFLICT (contract_id, billed_month) DO UPDATE
            SET days_mask = b.days_mask | EXCLUDED.days_mask, last_billing_run_id = EXCLUDED.last_billing_run_id
            WHERE b.days_mask & EXCLUDED.days_mask = 0
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM billing_chunk_lines WHERE kind = 'recurring')
    """
)

_CLAIM_ACTIVATIONS = text(
    """
    INSERT INTO billed_activations (contract_id, invoice_id, billing_run_id)
    SELECT contract_id, invoice_id, CAST(:run_id AS uuid) FROM billing_chunk_lines WHERE kind = 'activation'
    """
)

# activation_fee_pending means "still to be invoiced": it turns false in the transaction that invoices it.
_CLEAR_PENDING_ACTIVATIONS = text(
    """
    UPDATE contracts SET activation_fee_pending = false
    WHERE id IN (SELECT contract_id FROM billing_chunk_lines WHERE kind = 'activation') AND activation_fee_pending
    """
)

_INSERT_LINES = text(
    """
    INSERT INTO invoice_lines (id, invoice_id, contract_id, kind, description, service_type, offer_id,
                               offer_name, phone_number, period_start, period_end, active_days, suspended_days,
                               days_in_period, unit_amount, amount)
    SELECT line_id, invoice_id, contract_id, kind, description, service_type, offer_id, offer_name, phone_number,
           period_start, period_end, active_days, suspended_days, days_in_period, unit_amount, amount
    FROM billing_chunk_lines
    ORDER BY line_id
    """
)

_BATCH_SIZE = text(
    """
    SELECT count(DISTINCT invoice_id), count(*), count(DISTINCT contract_id) FROM billing_chunk_lines
    """
)

_TAKE_NUMBERS = text(
    """
    UPDATE invoice_number_counters SET last_number = last_number + CAST(:count AS bigint)
    WHERE year = CAST(:year AS int)
    RETURNING last_number - CAST(:count AS bigint)
    """
)

_ENSURE_COUNTER = text(
    "INSERT INTO invoice_number_counters (year, last_number) VALUES (CAST(:year AS int), 0) ON CONFLICT DO NOTHING"
)

# Invoices are written last, right after the numbers are taken, so the per-year counter row stays
# locked for as little of the chunk as possible.
_INSERT_INVOICES = text(
    """
    WITH totals AS (
        -- The invoice's period is the span actually billed (catch-up lines included), not the run's.
        SELECT invoice_id, client_id, sum(amount) AS subtotal, count(*) AS lines_count,
               min(period_start) AS billed_from, max(period_end) AS billed_to
        FROM billing_chunk_lines
        GROUP BY invoice_id, client_id
    ), numbered AS (
        SELECT t.*, CAST(:first_number AS bigint) + row_number() OVER (ORDER BY client_id) AS sequence,
               round(subtotal * CAST(:tax_rate AS numeric), 2) AS tax_amount
        FROM totals t
    ), inserted AS (
        INSERT INTO invoices (id, invoice_number, billing_run_id, client_id, status, period_start, period_end,
                              issue_date, due_date, currency, subtotal, tax_rate, tax_amount, total, lines_count)
        SELECT invoice_id,
               CASE WHEN CAST(:dry_run AS boolean) THEN NULL
                    ELSE 'FAC-' || CAST(:year AS int) || '-'
                         || lpad(sequence::text, GREATEST(6, length(sequence::text)), '0')
               END,
               CAST(:run_id AS uuid), client_id,
               CASE WHEN CAST(:dry_run AS boolean) THEN 'draft' ELSE 'issued' END,
               billed_from, billed_to,
               CAST(:issue_date AS date), CAST(:due_date AS date), 'MAD',
               subtotal, CAST(:tax_rate AS numeric), tax_amount, subtotal + tax_amount, lines_count
        FROM numbered
        RETURNING invoice_number, total
    )
    SELECT count(*), COALESCE(sum(total), 0), min(invoice_number), max(invoice_number) FROM inserted
    """
)

_DEFERRED_CONSTRAINTS = "fk_invoice_lines_invoice_id_invoices, fk_billed_activations_invoice_id_invoices"


def time_ordered_uuid() -> uuid.UUID:
    """A version-7 uuid (48-bit millisecond timestamp, then random bits): ids of one batch sort together."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return uuid.UUID(int=value)


class DoubleBillingRefused(RuntimeError):
    """A day about to be billed is already billed: the batch is rolled back rather than bill it twice."""


# Errors that come from one client's data (an amount too large for numeric(14,2), a violated check, a day
# already billed): the batch is split until the faulty client is isolated and parked, and the rest of the
# run completes. Anything else (lost connection, deadlock, lock timeout) fails the chunk, whose job is
# retried.
_CLIENT_DATA_ERRORS = (DataError, IntegrityError, DoubleBillingRefused)


@dataclass
class BatchOutcome:
    invoices: int = 0
    lines: int = 0
    contracts: int = 0
    amount: Decimal = Decimal("0.00")
    failures: list[tuple[uuid.UUID, str]] = field(default_factory=list)

    def add(self, other: BatchOutcome) -> None:
        self.invoices += other.invoices
        self.lines += other.lines
        self.contracts += other.contracts
        self.amount += other.amount
        self.failures.extend(other.failures)


@dataclass
class ChunkOutcome:
    billed: bool
    run_finished: bool
    invoices: int = 0


def _numbering_date(run: BillingRun) -> date:
    """The issue date of invoices numbered now: today (UTC), never before the run's own issue date."""
    return max(run.issue_date, utc_today())


async def plan_run(session: AsyncSession, run_id: uuid.UUID) -> bool:
    """Split a queued run into chunks and mark it running; False when it was planned already."""
    run = await session.get(BillingRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.status != "queued":
        return False
    row = (
        await session.execute(
            _PLAN_CHUNKS,
            {
                "run_id": str(run.id),
                "period_start": run.period_start,
                "period_end": run.period_end,
                "chunk_size": run.chunk_size,
            },
        )
    ).one()
    chunks, clients = int(row[0]), int(row[1])
    run.status = "running"
    run.started_at = datetime.now(UTC)
    run.chunks_total = chunks
    run.clients_total = clients
    await session.flush()
    await record_audit(
        session,
        action="billing_run.started",
        entity_type="billing_run",
        entity_id=run.id,
        after={"chunks": chunks, "clients": clients},
        actor=SYSTEM_ACTOR,
    )
    if chunks == 0:
        await _finish_run(session, run)
    return True


async def pending_chunks(session: AsyncSession, run_id: uuid.UUID) -> list[int]:
    """The chunks of a run not billed yet, in order."""
    result = await session.scalars(
        select(BillingRunChunk.chunk_index)
        .where(BillingRunChunk.billing_run_id == run_id, BillingRunChunk.status == "pending")
        .order_by(BillingRunChunk.chunk_index)
    )
    return list(result)


async def bill_chunk(session: AsyncSession, run_id: uuid.UUID, chunk_index: int) -> ChunkOutcome:
    """Bill one chunk of a run in the session's transaction; re-running a billed chunk does nothing."""
    chunk = await session.get(BillingRunChunk, (run_id, chunk_index), with_for_update=True, populate_existing=True)
    if chunk is None or chunk.status == "done":
        return ChunkOutcome(billed=False, run_finished=False)
    run = await session.get(BillingRun, run_id, populate_existing=True)
    if run is None or run.status != "running":
        return ChunkOutcome(billed=False, run_finished=False)

    client_ids: list[uuid.UUID] = (
        await session.scalar(
            _LOCK_CHUNK_CLIENTS,
            {
                "namespace": int(LockNamespace.CLIENT),
                "lower": str(chunk.lower_client_id) if chunk.lower_client_id else None,
                "upper": str(chunk.upper_client_id) if chunk.upper_client_id else None,
                "period_start": run.period_start,
                "period_end": run.period_end,
            },
        )
    ) or []
    await session.execute(_CREATE_WORK_TABLE)
    outcome = await _bill_clients(session, run, client_ids)
    for client_id, reason in outcome.failures:
        session.add(BillingRunFailure(billing_run_id=run.id, client_id=client_id, reason=reason))
        metrics.CLIENT_FAILURES.inc()

    chunk.status = "done"
    chunk.invoices_count = outcome.invoices
    chunk.finished_at = datetime.now(UTC)
    await session.flush()
    counters = (
        await session.execute(
            update(BillingRun)
            .where(BillingRun.id == run.id)
            .values(
                chunks_done=BillingRun.chunks_done + 1,
                clients_processed=BillingRun.clients_processed + len(client_ids),
                clients_failed=BillingRun.clients_failed + len(outcome.failures),
                contracts_count=BillingRun.contracts_count + outcome.contracts,
                invoices_count=BillingRun.invoices_count + outcome.invoices,
                lines_count=BillingRun.lines_count + outcome.lines,
                total_amount=BillingRun.total_amount + outcome.amount,
            )
            .returning(BillingRun.chunks_done, BillingRun.chunks_total)
        )
    ).one()
    finished = counters.chunks_done >= counters.chunks_total
    if finished:
        await session.refresh(run)
        await _finish_run(session, run)
    return ChunkOutcome(billed=True, run_finished=finished, invoices=outcome.invoices)


async def _bill_clients(session: AsyncSession, run: BillingRun, client_ids: list[uuid.UUID]) -> BatchOutcome:
    """Bill the clients as one batch; on a data error, split the batch to park only the faulty clients."""
    if not client_ids:
        return BatchOutcome()
    try:
        async with session.begin_nested():
            return await _bill_batch(session, run, client_ids)
    except _CLIENT_DATA_ERRORS as exc:
        if len(client_ids) == 1:
            reason = _reason(exc)
            logger.warning("billing run %s parks client %s: %s", run.id, client_ids[0], reason)
            return BatchOutcome(failures=[(client_ids[0], reason)])
        middle = len(client_ids) // 2
        outcome = await _bill_clients(session, run, client_ids[:middle])
        outcome.add(await _bill_clients(session, run, client_ids[middle:]))
        return outcome


async def _bill_batch(session: AsyncSession, run: BillingRun, client_ids: list[uuid.UUID]) -> BatchOutcome:
    """The steps of one batch: compute its lines, claim the billed days, write the lines, number and write
    the invoices, audit the numbers. Any failure rolls the whole batch back (its savepoint)."""
    await session.execute(text(f"SET CONSTRAINTS {_DEFERRED_CONSTRAINTS} DEFERRED"))
    invoices, lines, contracts = await _compute_lines(session, run, client_ids)
    if invoices == 0:
        return BatchOutcome()
    if not run.dry_run:
        await _claim_billed_days(session, run)
    await session.execute(_INSERT_LINES)
    year, first_number, issue_date = await _take_invoice_numbers(session, run, invoices)
    count, total, first_invoice, last_invoice = await _insert_invoices(session, run, year, first_number, issue_date)
    # Deferred foreign keys are checked here, inside the savepoint, so a violation is this batch's failure.
    await session.execute(text(f"SET CONSTRAINTS {_DEFERRED_CONSTRAINTS} IMMEDIATE"))
    if not run.dry_run:
        # A client's credit balance (credit notes beyond what it owed) settles its new invoice first.
        await session.execute(credit_notes.APPLY_BALANCES_TO_RUN, {"run_id": str(run.id)})
        await _audit_issued(session, run, first_invoice, last_invoice, count, total)
    return BatchOutcome(invoices=count, lines=lines, contracts=contracts, amount=total)


async def _compute_lines(session: AsyncSession, run: BillingRun, client_ids: list[uuid.UUID]) -> tuple[int, int, int]:
    """Fill the work table with the batch's lines; (invoices, lines, contracts) it will give."""
    await session.execute(text("TRUNCATE billing_chunk_lines"))
    await session.execute(
        _COMPUTE_LINES,
        {
            "batch_id": time_ordered_uuid(),
            "client_ids": client_ids,
            "first_client": client_ids[0],
            "last_client": client_ids[-1],
            "period_start": run.period_start,
            "period_end": run.period_end,
        },
    )
    sizes = (await session.execute(_BATCH_SIZE)).one()
    return int(sizes[0]), int(sizes[1]), int(sizes[2])


async def _claim_billed_days(session: AsyncSession, run: BillingRun) -> None:
    """Record the batch's days and activation fees as billed, or refuse if another transaction billed them."""
    params = {"run_id": str(run.id)}
    claimed, expected = (await session.execute(_CLAIM_DAYS, params)).one()
    if claimed != expected:
        raise DoubleBillingRefused(f"{expected - claimed} contract-months already billed for these days")
    await session.execute(_CLAIM_ACTIVATIONS, params)
    await session.execute(_CLEAR_PENDING_ACTIVATIONS)


async def _take_invoice_numbers(session: AsyncSession, run: BillingRun, invoices: int) -> tuple[int, int, date]:
    """(year, number before the batch's first, issue date) for `invoices` legal numbers; nothing for a dry run.

    A number and its date go together: the date is read while the year's numbering lock is held, so a later
    number never carries an earlier date (a run created yesterday and numbered today is dated today). The
    second lock only matters for a chunk that waited across New Year's midnight. The counter row stays
    locked until commit: a rolled-back batch gives its numbers back.
    """
    if run.dry_run:
        return run.issue_date.year, 0, run.issue_date
    year = _numbering_date(run).year
    await lock(session, LockNamespace.INVOICE_NUMBER, str(year))
    issue_date = _numbering_date(run)
    if issue_date.year != year:
        year = issue_date.year
        await lock(session, LockNamespace.INVOICE_NUMBER, str(year))
    await session.execute(_ENSURE_COUNTER, {"year": year})
    first_number = int(await session.scalar(_TAKE_NUMBERS, {"count": invoices, "year": year}) or 0)
    return year, first_number, issue_date


async def _insert_invoices(
    session: AsyncSession, run: BillingRun, year: int, first_number: int, issue_date: date
) -> tuple[int, Decimal, str | None, str | None]:
    """Write the batch's invoices; (count, total, first number, last number)."""
    inserted = (
        await session.execute(
            _INSERT_INVOICES,
            {
                "run_id": str(run.id),
                "first_number": first_number,
                "year": year,
                "dry_run": run.dry_run,
                "tax_rate": run.tax_rate,
                "issue_date": issue_date,
                "due_date": issue_date + timedelta(days=run.due_days),
            },
        )
    ).one()
    return int(inserted[0]), Decimal(inserted[1]), inserted[2], inserted[3]


async def _audit_issued(
    session: AsyncSession, run: BillingRun, first: str | None, last: str | None, count: int, total: Decimal
) -> None:
    # The numbers of a batch are consecutive: one record per batch names every invoice it issued.
    await record_audit(
        session,
        action="invoices.issued",
        entity_type="billing_run",
        entity_id=run.id,
        after={
            "first_invoice_number": first,
            "last_invoice_number": last,
            "invoices": count,
            "total": str(total),
            "requested_by": run.created_by,
        },
        actor=SYSTEM_ACTOR,
    )


async def _finish_run(session: AsyncSession, run: BillingRun) -> None:
    now = datetime.now(UTC)
    run.status = "completed"
    run.finished_at = now
    if run.dry_run or run.invoices_count == 0:
        run.pdfs_ready = True
        run.pdfs_finished_at = now
    await session.flush()
    await record_audit(
        session,
        action="billing_run.finished",
        entity_type="billing_run",
        entity_id=run.id,
        after={
            "status": run.status,
            "invoices_count": run.invoices_count,
            "total_amount": str(run.total_amount),
            "clients_failed": run.clients_failed,
        },
        actor=SYSTEM_ACTOR,
    )
    metrics.observe_finished_run(run)


async def fail_run(session: AsyncSession, run_id: uuid.UUID, error: str) -> None:
    """Mark a run failed (a chunk exhausted its retries); chunks already committed stay billed."""
    run = await session.get(BillingRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.status in ("completed", "failed"):
        return
    run.status = "failed"
    run.error = error[:2000]
    run.finished_at = datetime.now(UTC)
    await session.flush()
    await record_audit(
        session,
        action="billing_run.failed",
        entity_type="billing_run",
        entity_id=run.id,
        after={"error": run.error},
        actor=SYSTEM_ACTOR,
    )
    metrics.RUN_FAILURES.inc()


def _reason(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    return first_line[:500]
