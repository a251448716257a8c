"""Payments: money received is recorded once, never exceeds what is owed, and drives invoices and cases.

Every payment takes the client lock (`app.kit.locks.lock_client`, shared with billing and provisioning;
`record_payment` takes the same lock in the statement that reads the client) and then the row locks of the
client's open invoices, so two payments racing on one invoice are serialised: the second sees what the
first paid and is refused if it would overpay.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, text, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.billing import credit_notes, settlement
from app.billing.models import Invoice
from app.collections import cases, outbox
from app.collections.exceptions import (
    AllocationInvoiceNotPayable,
    AllocationMismatch,
    InvalidPeriod,
    InvoiceAlreadyPaid,
    InvoiceNotFound,
    InvoiceNotPayableConflict,
    InvoiceOfAnotherClient,
    Overpayment,
    PaymentNotFound,
    PossibleDuplicatePayment,
    ReceivedBeforeClient,
    ReceivedInFuture,
    RefundExceedsCreditBalance,
    UnknownAllocationInvoice,
    UnknownPaymentClient,
)
from app.collections.models import CASE_STATUSES, CollectionCase, Payment, PaymentAllocation
from app.collections.schemas import (
    AllocationCreate,
    ApprovePaidRequest,
    PaymentCreate,
    PaymentRead,
    PaymentRecorded,
    RefundCreate,
    SettledInvoice,
)
from app.customers import service as customers_service
from app.customers.exceptions import ClientNotFound
from app.db import table_of
from app.kit.audit import insert_audit_record, record_audit
from app.kit.correlation import current_actor
from app.kit.dates import utc_today
from app.kit.locks import lock_client
from app.kit.pagination import PageParams, fetch_page

logger = logging.getLogger(__name__)

# Clocks of payment terminals and bank files drift a little; anything later is a typo.
_RECEIVED_AT_TOLERANCE = timedelta(minutes=5)
_RATIO = Decimal("0.0001")


async def _client_has_payments(session: AsyncSession, client_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(select(Payment.id).where(Payment.client_id == client_id).exists())))


async def _client_has_cases(session: AsyncSession, client_id: uuid.UUID) -> bool:
    stmt = select(select(CollectionCase.id).where(CollectionCase.client_id == client_id).exists())
    return bool(await session.scalar(stmt))


def _received_at(requested: datetime | None) -> datetime:
    now = datetime.now(UTC)
    if requested is None:
        return now
    if requested > now + _RECEIVED_AT_TOLERANCE:
        raise ReceivedInFuture()
    return requested.astimezone(UTC)


def _outstanding(invoice: Invoice) -> Decimal:
    return settlement.outstanding_after(invoice)


async def _plan_given_allocations(
    session: AsyncSession,
    client_id: uuid.UUID,
    amount: Decimal,
    allocations: Sequence[AllocationCreate],
    open_invoices: Sequence[Invoice],
) -> list[tuple[Invoice, Decimal]]:
    by_id = {invoice.id: invoice for invoice in open_invoices}
    others = await settlement.get_invoices(session, [a.invoice_id for a in allocations if a.invoice_id not in by_id])
    plan: list[tuple[Invoice, Decimal]] = []
    for index, allocation in enumerate(allocations):
        invoice = by_id.get(allocation.invoice_id)
        if invoice is None:
            other = others.get(allocation.invoice_id)
            if other is None:
                raise UnknownAllocationInvoice(index)
            if other.client_id != client_id:
                raise InvoiceOfAnotherClient(index)
            if other.status in ("paid", *settlement.PAYABLE_STATUSES):
                raise Overpayment(["body", "allocations", index, "amount"], "The invoice is already paid.")
            raise AllocationInvoiceNotPayable(index, other.status)
        outstanding = _outstanding(invoice)
        if allocation.amount > outstanding:
            raise Overpayment(
                ["body", "allocations", index, "amount"],
                f"The allocation exceeds the invoice's outstanding amount {outstanding:.2f}.",
            )
        plan.append((invoice, allocation.amount))
    allocated = sum((share for _, share in plan), Decimal("0.00"))
    if allocated != amount:
        raise AllocationMismatch(amount, allocated)
    return plan


def _plan_oldest_first(amount: Decimal, open_invoices: Sequence[Invoice]) -> list[tuple[Invoice, Decimal]]:
    plan: list[tuple[Invoice, Decimal]] = []
    remaining = amount
    for invoice in open_invoices:
        if remaining <= 0:
            break
        share = min(remaining, _outstanding(invoice))
        plan.append((invoice, share))
        remaining -= share
    return plan


@dataclass(frozen=True, slots=True)
class _StoredPayment:
    """A payment as just written: the values the request gave, and what the database gave it (id, currency,
    creation time)."""

    id: uuid.UUID
    client_id: uuid.UUID
    amount: Decimal
    currency: str
    method: str
    reference: str | None
    received_at: datetime
    source: str
    created_at: datetime
    created_by: str | None


async def _record(
    session: AsyncSession,
    *,
    client_id: uuid.UUID,
    client_status: str | None,
    amount: Decimal,
    method: str,
    reference: str | None,
    received_at: datetime,
    source: str,
    plan: list[tuple[Invoice, Decimal]],
) -> PaymentRecorded:
    """Write the payment and its allocations, settle the invoices, announce it, refresh the client's case.
    `client_status` is the client's status if the caller read it in this transaction (None: read it)."""
    payment = await _write_payment(
        session,
        client_id=client_id,
        amount=amount,
        method=method,
        reference=reference,
        received_at=received_at,
        source=source,
    )
    settled = await _allocate(session, payment, plan)
    allocations = [
        {"invoice_id": invoice.id, "invoice_number": invoice.invoice_number, "amount": share} for invoice, share in plan
    ]
    await _announce(session, payment, allocations)
    await cases.settle_after_payment(session, client_id, client_status=client_status)
    logger.info("payment %s of %s MAD recorded for client %s", payment.id, amount, client_id)
    return _recorded_answer(payment, allocations, settled)


# The payment path writes its rows with Core INSERTs on the tables rather than `session.add` + flush
# (decision 0025): the rows are written once and never changed or read back in the request, so the ORM's
# unit of work (identity map, flush planning, refresh of server defaults) cost more than the statements and
# bought nothing. The statements are built once: composing and cache-keying them per payment cost as much
# again. The transaction, the locks, the constraints and the rows written are the same.
# The database's defaults (id, currency, creation time) come back with the insert instead of a read-back.
_INSERT_PAYMENT = insert(table_of(Payment)).returning(Payment.id, Payment.currency, Payment.created_at)
# RETURNING makes SQLAlchemy send several allocations as one multi-row INSERT ("insertmanyvalues") instead of
# one INSERT per row; the ids it returns are not needed.
_INSERT_ALLOCATIONS = insert(table_of(PaymentAllocation)).returning(PaymentAllocation.id)


async def _write_payment(
    session: AsyncSession,
    *,
    client_id: uuid.UUID,
    amount: Decimal,
    method: str,
    reference: str | None,
    received_at: datetime,
    source: str,
) -> _StoredPayment:
    actor = current_actor().subject
    values = {
        "client_id": client_id,
        "amount": amount,
        "method": method,
        "reference": reference,
        "received_at": received_at,
        "source": source,
        "created_by": actor,
        "updated_by": actor,
    }
    stored = (await session.execute(_INSERT_PAYMENT, values)).one()
    return _StoredPayment(
        id=stored.id,
        client_id=client_id,
        amount=amount,
        currency=stored.currency,
        method=method,
        reference=reference,
        received_at=received_at,
        source=source,
        created_at=stored.created_at,
        created_by=actor,
    )


async def _allocate(
    session: AsyncSession, payment: _StoredPayment, plan: list[tuple[Invoice, Decimal]]
) -> list[Invoice]:
    """One allocation row per invoice of the plan, each invoice settled for its share (as of today UTC)."""
    today = utc_today()
    settled = [
        await settlement.apply_payment_to_invoice(session, invoice, share, as_of=today) for invoice, share in plan
    ]
    # All the allocations in one statement, after the invoice updates as before; `position` keeps the order
    # of the plan.
    rows = [
        {"payment_id": payment.id, "invoice_id": invoice.id, "amount": share, "position": position}
        for position, (invoice, share) in enumerate(plan)
    ]
    if rows:
        await session.execute(_INSERT_ALLOCATIONS, rows)
    return settled


async def _announce(session: AsyncSession, payment: _StoredPayment, allocations: list[dict[str, Any]]) -> None:
    """The audit record and the outbox event of a recorded payment (same payload)."""
    summary: dict[str, Any] = {
        "payment_id": payment.id,
        "client_id": payment.client_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "method": payment.method,
        "reference": payment.reference,
        "received_at": payment.received_at,
        "source": payment.source,
        "allocations": allocations,
    }
    await insert_audit_record(
        session,
        action="payment.recorded",
        entity_type="payment",
        entity_id=payment.id,
        after=summary,
    )
    await outbox.insert_event(session, "payment.recorded", summary)


def _recorded_answer(
    payment: _StoredPayment, allocations: list[dict[str, Any]], settled: list[Invoice]
) -> PaymentRecorded:
    return PaymentRecorded(
        id=payment.id,
        client_id=payment.client_id,
        amount=payment.amount,
        currency=payment.currency,
        method=payment.method,
        reference=payment.reference,
        received_at=payment.received_at,
        source=payment.source,
        allocations=allocations,
        created_at=payment.created_at,
        created_by=payment.created_by,
        invoices=[
            SettledInvoice(
                invoice_id=invoice.id,
                invoice_number=invoice.invoice_number,
                status=invoice.status,
                total=invoice.total,
                paid_amount=invoice.paid_amount,
                outstanding_amount=invoice.outstanding_amount,
            )
            for invoice in settled
        ],
    )


async def _refuse_questionable(
    session: AsyncSession, client_since: datetime, request: PaymentCreate, received_at: datetime
) -> None:
    """What a controller would question: money received before the client existed, or the same bank line
    (client, reference, amount, day) recorded a second time under another key without confirmation."""
    if received_at < client_since:
        raise ReceivedBeforeClient(client_since)
    if request.reference is None or request.confirm_duplicate:
        return
    day = received_at.date()
    existing = await session.scalar(
        select(Payment.id)
        .where(
            Payment.client_id == request.client_id,
            Payment.reference == request.reference,
            Payment.amount == request.amount,
            _received_on_or_after(day),
            _received_on_or_before(day),
        )
        .limit(1)
    )
    if existing is not None:
        raise PossibleDuplicatePayment(existing)


async def record_payment(session: AsyncSession, request: PaymentCreate) -> PaymentRecorded:
    """Record money received from a client and apply it to its invoices (oldest due date first by default)."""
    received_at = _received_at(request.received_at)
    try:
        # The client lock, and the client read once: its creation time for the checks below, its status for
        # clearing delinquency at the end.
        client = await customers_service.lock_client_with_standing(session, request.client_id)
    except ClientNotFound as exc:
        raise UnknownPaymentClient() from exc
    # Under the client lock: two requests for the same bank line cannot both pass the duplicate check.
    await _refuse_questionable(session, client.created_at, request, received_at)
    open_invoices = await settlement.open_invoices_for_client(session, request.client_id)
    # Credit the client holds (credit notes beyond what it owed) settles its invoices before its money does.
    if await credit_notes.use_credit_balance(session, request.client_id, open_invoices) > 0:
        open_invoices = [invoice for invoice in open_invoices if _outstanding(invoice) > 0]
    owed = sum((_outstanding(invoice) for invoice in open_invoices), Decimal("0.00"))
    if request.amount > owed:
        raise Overpayment(["body", "amount"], f"The amount exceeds what the client owes ({owed:.2f}).")
    if request.allocations:
        plan = await _plan_given_allocations(
            session, request.client_id, request.amount, request.allocations, open_invoices
        )
    else:
        plan = _plan_oldest_first(request.amount, open_invoices)
    return await _record(
        session,
        client_id=request.client_id,
        client_status=client.status,
        amount=request.amount,
        method=request.method,
        reference=request.reference,
        received_at=received_at,
        source="payment",
        plan=plan,
    )


async def approve_invoice_paid(
    session: AsyncSession, invoice_id: uuid.UUID, request: ApprovePaidRequest
) -> PaymentRecorded:
    """Settle an invoice in full by recording a payment of its outstanding amount (never a status change)."""
    received_at = _received_at(request.received_at)
    invoice = await settlement.get_invoice(session, invoice_id)
    if invoice is None:
        raise InvoiceNotFound()
    await lock_client(session, invoice.client_id)
    invoice = await settlement.get_invoice(session, invoice_id, for_update=True)
    assert invoice is not None
    if invoice.status == "paid" or (invoice.status in settlement.PAYABLE_STATUSES and _outstanding(invoice) <= 0):
        raise InvoiceAlreadyPaid()
    if invoice.status not in settlement.PAYABLE_STATUSES:
        raise InvoiceNotPayableConflict()
    before = {"status": invoice.status, "paid_amount": f"{invoice.paid_amount:.2f}"}
    outstanding = _outstanding(invoice)
    recorded = await _record(
        session,
        client_id=invoice.client_id,
        client_status=None,
        amount=outstanding,
        method=request.method,
        reference=request.reference,
        received_at=received_at,
        source="invoice_approval",
        plan=[(invoice, outstanding)],
    )
    await record_audit(
        session,
        action="invoice.approved_paid",
        entity_type="invoice",
        entity_id=invoice.id,
        before=before,
        after={
            "status": recorded.invoices[0].status,
            "paid_amount": f"{recorded.invoices[0].paid_amount:.2f}",
            "payment_id": str(recorded.id),
        },
    )
    return recorded


def _payment_read(payment: Payment, numbers: dict[uuid.UUID, str | None]) -> PaymentRead:
    return PaymentRead(
        id=payment.id,
        client_id=payment.client_id,
        amount=payment.amount,
        currency=payment.currency,
        method=payment.method,
        reference=payment.reference,
        received_at=payment.received_at,
        source=payment.source,
        allocations=[
            {"invoice_id": a.invoice_id, "invoice_number": numbers.get(a.invoice_id), "amount": a.amount}
            for a in payment.allocations
        ],
        created_at=payment.created_at,
        created_by=payment.created_by,
    )


async def _invoice_numbers(session: AsyncSession, payments: Sequence[Payment]) -> dict[uuid.UUID, str | None]:
    ids = list({a.invoice_id for payment in payments for a in payment.allocations})
    return {
        invoice_id: invoice.invoice_number
        for invoice_id, invoice in (await settlement.get_invoices(session, ids)).items()
    }


async def get_payment(session: AsyncSession, payment_id: uuid.UUID) -> PaymentRead:
    """One payment with its allocations, or PaymentNotFound."""
    payment = await session.scalar(
        select(Payment).where(Payment.id == payment_id).options(selectinload(Payment.allocations))
    )
    if payment is None:
        raise PaymentNotFound()
    return _payment_read(payment, await _invoice_numbers(session, [payment]))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _received_on_or_after(day: date) -> ColumnElement[bool]:
    return Payment.received_at >= _day_start(day)


def _received_on_or_before(day: date) -> ColumnElement[bool]:
    # The last representable day has no next day to compare with: every payment is on or before it.
    if day == date.max:
        return true()
    return Payment.received_at < _day_start(day + timedelta(days=1))


async def list_payments(
    session: AsyncSession,
    page: PageParams,
    *,
    client_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    method: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> tuple[list[PaymentRead], int]:
    """One page of payments, latest received first, with the total count."""
    stmt = select(Payment).options(selectinload(Payment.allocations))
    if client_id is not None:
        stmt = stmt.where(Payment.client_id == client_id)
    if invoice_id is not None:
        stmt = stmt.where(
            Payment.id.in_(select(PaymentAllocation.payment_id).where(PaymentAllocation.invoice_id == invoice_id))
        )
    if method is not None:
        stmt = stmt.where(Payment.method == method)
    if received_from is not None and received_to is not None and received_to < received_from:
        raise InvalidPeriod("received_to", "received_from")
    if received_from is not None:
        stmt = stmt.where(_received_on_or_after(received_from))
    if received_to is not None:
        stmt = stmt.where(_received_on_or_before(received_to))
    stmt = stmt.order_by(Payment.received_at.desc(), Payment.id.desc())
    rows, total = await fetch_page(session, stmt, page)
    numbers = await _invoice_numbers(session, rows)
    return [_payment_read(payment, numbers) for payment in rows], total


# What each legal invoice issued by `as_of` still owed at the end of that day: today's outstanding amount
# plus what was settled after it (payments received later, credit applied later). Overdue means due before
# `as_of`; each overdue invoice is aged on `as_of`.
_OUTSTANDING_ON = text(
    """
    WITH settled_later AS (
        SELECT a.invoice_id, a.amount
        FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
        WHERE CAST(:day_after AS timestamptz) IS NOT NULL AND p.received_at >= CAST(:day_after AS timestamptz)
        UNION ALL
        SELECT n.invoice_id, n.applied_to_invoice FROM credit_notes n
        WHERE n.issue_date > CAST(:as_of AS date) AND n.applied_to_invoice > 0
        UNION ALL
        SELECT m.invoice_id, -m.amount FROM client_credit_movements m
        WHERE m.source IN ('payment', 'billing_run') AND CAST(:day_after AS timestamptz) IS NOT NULL
          AND m.created_at >= CAST(:day_after AS timestamptz)
    ), owed AS (
        SELECT i.id, i.due_date,
               i.outstanding_amount + COALESCE((SELECT sum(s.amount) FROM settled_later s WHERE s.invoice_id = i.id), 0)
                   AS amount
        FROM invoices i
        WHERE i.status NOT IN ('draft', 'discarded') AND i.issue_date <= CAST(:as_of AS date)
    ), overdue AS (
        SELECT amount,
               CASE WHEN CAST(:as_of AS date) - due_date <= 30 THEN '0-30'
                    WHEN CAST(:as_of AS date) - due_date <= 60 THEN '31-60'
                    WHEN CAST(:as_of AS date) - due_date <= 90 THEN '61-90'
                    ELSE '90+' END AS bucket
        FROM owed
        WHERE amount > 0 AND due_date < CAST(:as_of AS date)
    )
    SELECT 'total' AS bucket, COALESCE(sum(amount), 0) AS amount, count(*) AS invoices FROM owed WHERE amount > 0
    UNION ALL
    SELECT bucket, sum(amount), count(*) FROM overdue GROUP BY bucket
    """
)


async def _outstanding_on(session: AsyncSession, as_of: date) -> tuple[Decimal, list[settlement.AgingRow]]:
    """(total outstanding, overdue per aging bucket) at the end of the day `as_of`."""
    day_after = None if as_of == date.max else _day_start(as_of + timedelta(days=1))
    rows = {
        row.bucket: (Decimal(row.amount), int(row.invoices))
        for row in await session.execute(_OUTSTANDING_ON, {"as_of": as_of, "day_after": day_after})
    }
    total = rows.pop("total", (Decimal("0.00"), 0))[0]
    zero = (Decimal("0.00"), 0)
    return total, [settlement.AgingRow(name, *rows.get(name, zero)) for name in ("0-30", "31-60", "61-90", "90+")]


async def overview(
    session: AsyncSession,
    *,
    as_of: date | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> dict[str, Any]:
    """Collections figures: outstanding, overdue by aging bucket, cases by status, payments and rate."""
    as_of = as_of or utc_today()
    period_start = period_start or as_of.replace(day=1)
    period_end = period_end or as_of
    if period_end < period_start:
        raise InvalidPeriod()
    outstanding, aging = await _outstanding_on(session, as_of)
    by_status = dict(
        (await session.execute(select(CollectionCase.status, func.count()).group_by(CollectionCase.status))).all()
    )
    collected_amount, collected_count = (
        await session.execute(
            select(func.coalesce(func.sum(Payment.amount), 0), func.count()).where(
                Payment.source != "refund", _received_on_or_after(period_start), _received_on_or_before(period_end)
            )
        )
    ).one()
    invoiced, paid = await settlement.invoiced_and_paid_between(session, period_start, period_end)
    return {
        "as_of": as_of,
        "total_outstanding": outstanding,
        "overdue_total": sum((row.amount for row in aging), Decimal("0.00")),
        "overdue_by_aging_bucket": [{"bucket": row.bucket, "amount": row.amount, "count": row.count} for row in aging],
        "cases_by_status": {status: int(by_status.get(status, 0)) for status in CASE_STATUSES},
        "payments_collected": {
            "period_start": period_start,
            "period_end": period_end,
            "amount": Decimal(collected_amount),
            "count": int(collected_count),
        },
        "invoiced_in_period": invoiced,
        "collection_rate": (paid / invoiced).quantize(_RATIO) if invoiced > 0 else None,
    }


async def record_refund(session: AsyncSession, request: RefundCreate) -> PaymentRead:
    """Pay back part or all of a client's credit balance: recorded as a payment with source `refund`."""
    received_at = _received_at(request.paid_at)
    try:
        await customers_service.get_client(session, request.client_id)
    except ClientNotFound as exc:
        raise UnknownPaymentClient() from exc
    await lock_client(session, request.client_id)
    balance = await credit_notes.credit_balance(session, request.client_id)
    if request.amount > balance:
        raise RefundExceedsCreditBalance(balance)
    payment = await _write_payment(
        session,
        client_id=request.client_id,
        amount=request.amount,
        method=request.method,
        reference=request.reference,
        received_at=received_at,
        source="refund",
    )
    await credit_notes.refund_from_balance(session, request.client_id, request.amount, payment.id)
    summary: dict[str, Any] = {
        "payment_id": payment.id,
        "client_id": request.client_id,
        "amount": request.amount,
        "currency": payment.currency,
        "method": request.method,
        "reference": request.reference,
        "paid_at": received_at,
        "credit_balance_after": balance - request.amount,
    }
    await record_audit(session, action="refund.recorded", entity_type="payment", entity_id=payment.id, after=summary)
    await outbox.publish(session, "refund.recorded", summary)
    return _payment_read_without_allocations(payment)


def _payment_read_without_allocations(payment: _StoredPayment) -> PaymentRead:
    return PaymentRead(
        id=payment.id,
        client_id=payment.client_id,
        amount=payment.amount,
        currency=payment.currency,
        method=payment.method,
        reference=payment.reference,
        received_at=payment.received_at,
        source=payment.source,
        allocations=[],
        created_at=payment.created_at,
        created_by=payment.created_by,
    )


async def client_credit_balance(session: AsyncSession, client_id: uuid.UUID) -> Decimal:
    """The client's credit balance; 404 for an unknown client."""
    await customers_service.get_client(session, client_id)
    return await credit_notes.credit_balance(session, client_id)
