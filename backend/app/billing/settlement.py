"""How an invoice's payment state changes: the only way collections touches invoices.

Invoice status is derived, never forced: `paid` when nothing is outstanding, `overdue` when something is
outstanding after the due date, `issued` otherwise. An invoice never goes back from `overdue` to `issued`
(evaluations only move forward in time), and `paid_amount` stays within the total (also guarded by the
check constraint `ck_invoices_paid_within_total`).

Callers hold `app.kit.locks.lock_client` for the invoice's client and the invoice row lock (taken by
`open_invoices_for_client` or `get_invoice(..., for_update=True)`) before applying a payment.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Select, bindparam, case, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.models import Invoice
from app.errors import AppError, BusinessValidationError
from app.kit.money import MONEY_SQL

# Statuses in which an invoice can still receive money.
PAYABLE_STATUSES = ("issued", "overdue")
# Legal invoices a credit note may still correct (a paid one too: the credit then goes to the client's balance).
CREDITABLE_STATUSES = ("issued", "overdue", "paid")
ZERO = Decimal("0.00")


class Overpayment(BusinessValidationError):
    """The money would exceed what is owed: an invoice's outstanding amount or the client's total."""

    code = "overpayment"
    action = "Lower the amount (or the allocation named in loc) to at most what is outstanding."

    def __init__(self, loc: list[str | int], msg: str) -> None:
        super().__init__(loc, msg, type_="overpayment")


class InvoiceNotPayable(AppError):
    """The invoice cannot receive money: it is a draft, already paid or cancelled."""

    status_code = 409
    code = "invoice_not_payable"
    message = "Only an issued or overdue invoice with an outstanding amount can receive a payment."
    action = "Reload the invoice; only issued or overdue invoices with an outstanding amount take payments."


class InvoiceOverpaid(Overpayment):
    message = "The amount exceeds the invoice's outstanding amount."

    def __init__(self) -> None:
        AppError.__init__(self)


# Payment locks a client's invoices in this order and the status refresh locks every client's invoices in
# (client_id, this order): the same relative order, so the two can wait on each other but never deadlock.
_LOCK_ORDER = (Invoice.due_date, Invoice.issue_date, Invoice.invoice_number, Invoice.id)


def outstanding_after(invoice: Invoice) -> Decimal:
    """What is still owed on the invoice as loaded (total minus paid)."""
    return invoice.total - invoice.paid_amount - invoice.credit_applied


async def get_invoice(session: AsyncSession, invoice_id: uuid.UUID, *, for_update: bool = False) -> Invoice | None:
    """The invoice (fresh from the database), or None."""
    stmt = select(Invoice).where(Invoice.id == invoice_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def get_invoices(session: AsyncSession, invoice_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Invoice]:
    """The invoices among `invoice_ids` that exist, by id (no lock)."""
    if not invoice_ids:
        return {}
    rows = await session.scalars(
        select(Invoice).where(Invoice.id.in_(invoice_ids)).execution_options(populate_existing=True)
    )
    return {invoice.id: invoice for invoice in rows}


# The statements every payment runs are built once, with bound parameters: composing and cache-keying them
# per call cost more Python time than running them.
_OPEN_INVOICES_OF_CLIENT = (
    select(Invoice)
    .where(
        Invoice.client_id == bindparam("client_id"),
        Invoice.status.in_(PAYABLE_STATUSES),
        Invoice.outstanding_amount > 0,
    )
    .order_by(*_LOCK_ORDER)
    .with_for_update()
    .execution_options(populate_existing=True)
)


async def open_invoices_for_client(session: AsyncSession, client_id: uuid.UUID) -> list[Invoice]:
    """The client's issued/overdue invoices with something outstanding, oldest due date first, row-locked."""
    return list(await session.scalars(_OPEN_INVOICES_OF_CLIENT, {"client_id": client_id}))


def _status_after(amount: Any, as_of: Any) -> Any:
    return case(
        (Invoice.total - (Invoice.paid_amount + Invoice.credit_applied + amount) == 0, literal("paid")),
        (Invoice.status == "overdue", literal("overdue")),
        (Invoice.due_date < as_of, literal("overdue")),
        else_=literal("issued"),
    )


_PAYMENT_AMOUNT = bindparam("payment_amount", type_=MONEY_SQL)
_APPLY_PAYMENT = (
    update(Invoice)
    .where(Invoice.id == bindparam("invoice_id"), Invoice.status.in_(PAYABLE_STATUSES))
    .values(
        paid_amount=Invoice.paid_amount + _PAYMENT_AMOUNT,
        status=_status_after(_PAYMENT_AMOUNT, bindparam("as_of", type_=Date)),
    )
    .returning(Invoice)
    .execution_options(populate_existing=True, synchronize_session=False)
)


async def apply_payment_to_invoice(session: AsyncSession, invoice: Invoice, amount: Decimal, *, as_of: date) -> Invoice:
    """Add `amount` to the invoice's paid amount and derive its status for the day `as_of`."""
    if amount <= 0:
        raise ValueError("a payment applies a positive amount")
    if invoice.status not in PAYABLE_STATUSES:
        raise InvoiceNotPayable()
    if amount > outstanding_after(invoice):
        raise InvoiceOverpaid()
    params = {"invoice_id": invoice.id, "payment_amount": amount, "as_of": as_of}
    updated = (await session.execute(_APPLY_PAYMENT, params)).scalar_one_or_none()
    if updated is None:
        raise InvoiceNotPayable()
    return updated


async def apply_credit_to_invoice(
    session: AsyncSession, invoice: Invoice, *, credited: Decimal, applied: Decimal
) -> Invoice:
    """Record a credit on the invoice: `credited` more of its total is credited (its own credit note) and
    `applied` of credit money settles its outstanding amount. Fully credited: `credited`; nothing left
    to pay otherwise: `paid`; else the status stays (an overdue invoice stays overdue)."""
    if credited < 0 or applied < 0 or applied > outstanding_after(invoice):
        raise ValueError("a credit applies at most the outstanding amount")
    new_credited = Invoice.credited_amount + credited
    new_settled = Invoice.paid_amount + Invoice.credit_applied + applied
    stmt = (
        update(Invoice)
        .where(Invoice.id == invoice.id, Invoice.status.in_(CREDITABLE_STATUSES))
        .values(
            credited_amount=new_credited,
            credit_applied=Invoice.credit_applied + applied,
            status=case(
                (new_credited == Invoice.total, literal("credited")),
                (new_settled == Invoice.total, literal("paid")),
                else_=Invoice.status,
            ),
        )
        .returning(Invoice)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    updated = (await session.execute(stmt)).scalar_one_or_none()
    if updated is None:
        raise InvoiceNotPayable()
    return updated


async def refresh_invoice_statuses(session: AsyncSession, as_of: date) -> list[Invoice]:
    """Move issued invoices whose due date is before `as_of` and still owed to overdue; the moved ones."""
    due = (
        select(Invoice.id)
        .where(Invoice.status == "issued", Invoice.due_date < as_of, Invoice.outstanding_amount > 0)
        .order_by(Invoice.client_id, *_LOCK_ORDER)
        .with_for_update()
        .cte("due_invoices")
        .prefix_with("MATERIALIZED")
    )
    stmt = (
        update(Invoice)
        .where(Invoice.id == due.c.id, Invoice.status == "issued")
        .values(status="overdue")
        .returning(Invoice)
        .execution_options(populate_existing=True, synchronize_session=False)
    )
    return list((await session.execute(stmt)).scalars())


def overdue_invoices() -> Select[uuid.UUID, uuid.UUID, date, Decimal]:
    """Overdue invoices with something outstanding: (id, client_id, due_date, outstanding_amount)."""
    return select(Invoice.id, Invoice.client_id, Invoice.due_date, Invoice.outstanding_amount).where(
        Invoice.status == "overdue", Invoice.outstanding_amount > 0
    )


async def client_has_overdue_invoices(session: AsyncSession, client_id: uuid.UUID) -> bool:
    """True when one of the client's invoices is overdue with something outstanding."""
    stmt = select(overdue_invoices().where(Invoice.client_id == client_id).exists())
    return bool(await session.scalar(stmt))


@dataclass(frozen=True)
class AgingRow:
    bucket: str
    amount: Decimal
    count: int


def aging_bucket_of(days_past_due: Any) -> Any:
    """SQL expression: the aging bucket ('0-30', '31-60', '61-90', '90+') of a number of days past due."""
    return case(
        (days_past_due <= 30, literal("0-30")),
        (days_past_due <= 60, literal("31-60")),
        (days_past_due <= 90, literal("61-90")),
        else_=literal("90+"),
    )


async def total_outstanding(session: AsyncSession) -> Decimal:
    """What all clients still owe on issued and overdue invoices."""
    stmt = select(func.coalesce(func.sum(Invoice.outstanding_amount), 0)).where(Invoice.status.in_(PAYABLE_STATUSES))
    return Decimal(await session.scalar(stmt) or 0)


async def overdue_by_aging_bucket(session: AsyncSession, as_of: date) -> list[AgingRow]:
    """Overdue outstanding amounts and invoice counts per aging bucket of each invoice on `as_of`."""
    overdue = overdue_invoices().subquery()
    bucket = aging_bucket_of(literal(as_of) - overdue.c.due_date).label("bucket")
    stmt = select(bucket, func.sum(overdue.c.outstanding_amount), func.count()).group_by(bucket)
    rows = {row[0]: (Decimal(row[1]), int(row[2])) for row in (await session.execute(stmt)).all()}
    return [AgingRow(name, *rows.get(name, (ZERO, 0))) for name in ("0-30", "31-60", "61-90", "90+")]


async def invoiced_and_paid_between(session: AsyncSession, start: date, end: date) -> tuple[Decimal, Decimal]:
    """(total invoiced net of credit notes, total paid so far on it) over the legal invoices issued between
    `start` and `end`."""
    net = Invoice.total - Invoice.credited_amount
    stmt = select(
        func.coalesce(func.sum(net), 0), func.coalesce(func.sum(func.least(Invoice.paid_amount, net)), 0)
    ).where(
        Invoice.status.in_(("issued", "overdue", "paid", "credited")),
        Invoice.issue_date >= start,
        Invoice.issue_date <= end,
    )
    invoiced, paid = (await session.execute(stmt)).one()
    return Decimal(invoiced), Decimal(paid)
