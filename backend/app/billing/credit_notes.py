"""Credit notes (avoirs): the only way an issued invoice is corrected, and the client credit balance they feed.

Rules (docs/billing.md "Credit notes"):
- a credit note cancels all of one issued invoice, chosen lines of it, or an amount (excl. tax) with a reason,
  never more than what is still creditable (the invoice's subtotal minus earlier credit notes' subtotals);
- tax with the invoice's rate and the invoice's rounding, cumulatively: the tax of a note is
  round(rate × credited subtotal after) − round(rate × credited subtotal before), half-up, so the notes of a
  fully credited invoice add up to its tax exactly;
- gapless legal number AV-YYYY-NNNNNN per year of the issue date, taken under a lock like invoice numbers;
- its total first reduces the invoice's outstanding amount; the rest becomes the client's credit balance,
  which the next payment and the next billing run use first, or which is refunded.
Everything happens in the caller's transaction under the client lock shared with billing and payments.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, Uuid, bindparam, cast, func, null, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import settlement
from app.billing.documents import operator_identity
from app.billing.exceptions import (
    CreditExceedsCreditable,
    CreditNoteLineInvalid,
    CreditNoteNotFound,
    CreditNotePdfIntegrityError,
    InvoiceNotCreditable,
    InvoiceNotFound,
)
from app.billing.models import (
    ClientCreditBalance,
    ClientCreditMovement,
    CreditMovementSource,
    CreditNote,
    CreditNoteDocument,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
)
from app.billing.pdf import CreditNoteDocumentData, CreditNoteLineData, render_credit_note_pdf
from app.customers.models import Client
from app.kit.audit import record_audit
from app.kit.correlation import current_actor
from app.kit.dates import utc_today
from app.kit.locks import LockNamespace, lock, lock_client
from app.kit.money import CENT
from app.kit.pagination import PageParams, fetch_page
from app.kit.registry import Registry

ZERO = Decimal("0.00")

# (session, client_id, summary) -> None: what higher modules do once a credit note is issued, in its
# transaction (collections: outbox event, case settlement). Filled by app.wiring; billing cannot import them.
CreditNoteFollower = Callable[[AsyncSession, uuid.UUID, dict[str, Any]], Awaitable[None]]
credit_note_followers: Registry[CreditNoteFollower] = Registry("credit note followers")


@dataclass(frozen=True)
class CreditLine:
    """One line to credit, before the note exists."""

    description: str
    amount: Decimal
    invoice_line_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None
    period_start: date | None = None
    period_end: date | None = None
    days: int | None = None


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cumulative_tax(rate: Decimal, credited_before: Decimal, credited_now: Decimal) -> Decimal:
    """The tax of a credit of `credited_now` (excl. tax) after `credited_before` was already credited."""
    return half_up(rate * (credited_before + credited_now)) - half_up(rate * credited_before)


@dataclass(frozen=True)
class Creditable:
    """What credit notes may still credit on an invoice: `subtotal` excl. tax (the limit every credit note is
    checked against) and `total`, what a note crediting all of it would come to with its cumulative tax."""

    subtotal: Decimal
    total: Decimal


def creditable_of(invoice: Invoice, credited_subtotal: Decimal) -> Creditable:
    """What is still creditable on `invoice` after earlier notes credited `credited_subtotal` (excl. tax):
    nothing on an invoice no credit note may correct (draft, discarded, credited)."""
    if invoice.status not in settlement.CREDITABLE_STATUSES:
        return Creditable(ZERO, ZERO)
    left = invoice.subtotal - credited_subtotal
    return Creditable(left, left + cumulative_tax(invoice.tax_rate, credited_subtotal, left))


async def _credited_subtotal(session: AsyncSession, invoice_id: uuid.UUID) -> Decimal:
    total = await session.scalar(
        select(func.coalesce(func.sum(CreditNote.subtotal), 0)).where(CreditNote.invoice_id == invoice_id)
    )
    return Decimal(total or 0)


async def creditable(session: AsyncSession, invoice: Invoice) -> Creditable:
    """What is still creditable on the invoice, as the credit note service checks it."""
    return creditable_of(invoice, await _credited_subtotal(session, invoice.id))


async def credited_by_line(session: AsyncSession, invoice_id: uuid.UUID) -> dict[uuid.UUID, Decimal]:
    """How much of each line of the invoice earlier credit notes credited (excl. tax)."""
    rows = await session.execute(
        select(CreditNoteLine.invoice_line_id, func.sum(CreditNoteLine.amount))
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .where(CreditNote.invoice_id == invoice_id, CreditNoteLine.invoice_line_id.is_not(None))
        .group_by(CreditNoteLine.invoice_line_id)
    )
    return {line_id: Decimal(amount) for line_id, amount in rows.all() if line_id is not None}


async def locked_invoice(session: AsyncSession, invoice_id: uuid.UUID) -> Invoice:
    """The invoice under the client lock and its row lock (the order payments and billing use)."""
    invoice = await settlement.get_invoice(session, invoice_id)
    if invoice is None:
        raise InvoiceNotFound()
    await lock_client(session, invoice.client_id)
    locked = await settlement.get_invoice(session, invoice_id, for_update=True)
    assert locked is not None
    return locked


async def lines_for_request(
    session: AsyncSession,
    invoice: Invoice,
    *,
    kind: str,
    line_ids: Sequence[uuid.UUID] | None,
    amount: Decimal | None,
    reason: str,
) -> list[CreditLine]:
    """The credit lines of a whole-invoice, chosen-lines or amount credit note (refused beyond the creditable)."""
    lines = {
        line.id: line for line in await session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
    }
    already = await credited_by_line(session, invoice.id)
    left = (await creditable(session, invoice)).subtotal
    if kind == "amount":
        assert amount is not None
        if amount > left:
            raise CreditExceedsCreditable(["body", "amount"], left)
        return [CreditLine(description=f"Avoir commercial : {reason}"[:200], amount=amount)]
    chosen = list(lines) if kind == "invoice" else list(line_ids or [])
    result: list[CreditLine] = []
    for index, line_id in enumerate(chosen):
        line = lines.get(line_id)
        if line is None:
            raise CreditNoteLineInvalid(index, "This line is not a line of the invoice.")
        remaining = line.amount - already.get(line_id, ZERO)
        if remaining <= 0:
            if kind == "invoice":
                continue
            raise CreditNoteLineInvalid(index, "This line is already fully credited.")
        result.append(
            CreditLine(
                description=line.description,
                amount=remaining,
                invoice_line_id=line.id,
                contract_id=line.contract_id,
                period_start=line.period_start if line.kind == "recurring" else None,
                period_end=line.period_end if line.kind == "recurring" else None,
                days=line.active_days if line.kind == "recurring" else None,
            )
        )
    subtotal = sum((line.amount for line in result), ZERO)
    if kind == "invoice" and subtotal != left and left > 0:
        # Amount notes credit no line: what is left to credit differs from the lines' remainders.
        result = [CreditLine(description=f"Solde de la facture {invoice.invoice_number}", amount=left)]
        subtotal = left
    if subtotal <= 0:
        raise InvoiceNotCreditable("Nothing is left to credit on this invoice.")
    if subtotal > left:
        raise CreditExceedsCreditable(["body", "line_ids"], left)
    return result


async def _next_number(session: AsyncSession) -> tuple[str, date]:
    """A gapless AV-YYYY-NNNNNN number and its issue date, read under the year's lock (held until commit)."""
    year = utc_today().year
    await lock(session, LockNamespace.CREDIT_NOTE_NUMBER, str(year))
    issue_date = utc_today()
    if issue_date.year != year:
        year = issue_date.year
        await lock(session, LockNamespace.CREDIT_NOTE_NUMBER, str(year))
    await session.execute(
        text("INSERT INTO credit_note_number_counters (year, last_number) VALUES (:year, 0) ON CONFLICT DO NOTHING"),
        {"year": year},
    )
    sequence = int(
        await session.scalar(
            text(
                "UPDATE credit_note_number_counters SET last_number = last_number + 1 WHERE year = :year "
                "RETURNING last_number"
            ),
            {"year": year},
        )
        or 0
    )
    return f"AV-{year}-{sequence:06d}", issue_date


def _client_name(client: Client) -> str:
    if client.kind == "business":
        return client.company_name or ""
    return f"{client.first_name or ''} {client.last_name or ''}".strip()


async def issue_credit_note(
    session: AsyncSession, invoice: Invoice, *, kind: str, reason: str, lines: list[CreditLine]
) -> CreditNote:
    """Write the credit note for `lines` on the locked `invoice`: number, tax, PDF, invoice and balance
    effects, audit, outbox and collection case, all in the caller's transaction."""
    if invoice.status not in settlement.CREDITABLE_STATUSES:
        raise InvoiceNotCreditable()
    subtotal = sum((line.amount for line in lines), ZERO)
    before = await _credited_subtotal(session, invoice.id)
    left = creditable_of(invoice, before).subtotal
    if subtotal <= 0 or subtotal > left:
        raise CreditExceedsCreditable(["body"], left)
    tax = cumulative_tax(invoice.tax_rate, before, subtotal)
    total = subtotal + tax
    applied = min(total, settlement.outstanding_after(invoice))
    to_balance = total - applied
    number, issue_date = await _next_number(session)
    client = await session.get(Client, invoice.client_id)
    assert client is not None
    assert invoice.invoice_number is not None
    document = CreditNoteDocumentData(
        credit_note_number=number,
        issue_date=issue_date,
        invoice_number=invoice.invoice_number,
        invoice_issue_date=invoice.issue_date,
        reason=reason,
        client_name=_client_name(client),
        client_cin=client.cin or "",
        client_address=", ".join(part for part in (client.address, client.city) if part),
        currency=invoice.currency,
        subtotal=subtotal,
        tax_rate=invoice.tax_rate,
        tax_amount=tax,
        total=total,
        applied_to_invoice=applied,
        to_credit_balance=to_balance,
        lines=tuple(
            CreditNoteLineData(line.description, line.period_start, line.period_end, line.days, line.amount)
            for line in lines
        ),
    )
    content = await asyncio.to_thread(render_credit_note_pdf, document, operator_identity())
    digest = hashlib.sha256(content).hexdigest()
    actor = current_actor().subject
    note = CreditNote(
        credit_note_number=number,
        invoice_id=invoice.id,
        client_id=invoice.client_id,
        kind=kind,
        reason=reason,
        issue_date=issue_date,
        currency=invoice.currency,
        subtotal=subtotal,
        tax_rate=invoice.tax_rate,
        tax_amount=tax,
        total=total,
        applied_to_invoice=applied,
        to_credit_balance=to_balance,
        lines_count=len(lines),
        pdf_sha256=digest,
        pdf_size_bytes=len(content),
        created_by=actor,
    )
    session.add(note)
    await session.flush()
    for position, line in enumerate(lines):
        session.add(
            CreditNoteLine(
                credit_note_id=note.id,
                position=position,
                invoice_line_id=line.invoice_line_id,
                contract_id=line.contract_id,
                description=line.description,
                period_start=line.period_start,
                period_end=line.period_end,
                days=line.days,
                amount=line.amount,
            )
        )
    session.add(
        CreditNoteDocument(
            credit_note_id=note.id,
            filename=credit_note_filename(number),
            content_type="application/pdf",
            size_bytes=len(content),
            sha256=digest,
            content=content,
            metadata_={
                "generator": "reportlab",
                "credit_note_number": number,
                "invoice_number": invoice.invoice_number,
            },
        )
    )
    await session.flush()
    updated = await settlement.apply_credit_to_invoice(session, invoice, credited=total, applied=applied)
    if to_balance > 0:
        await _move_balance(session, invoice.client_id, to_balance, source="credit_note", credit_note_id=note.id)
    await session.refresh(note)
    summary: dict[str, Any] = {
        "credit_note_id": note.id,
        "credit_note_number": number,
        "invoice_id": invoice.id,
        "invoice_number": invoice.invoice_number,
        "client_id": invoice.client_id,
        "kind": kind,
        "reason": reason,
        "subtotal": subtotal,
        "tax_amount": tax,
        "total": total,
        "applied_to_invoice": applied,
        "to_credit_balance": to_balance,
        "invoice_status": updated.status,
        "pdf_sha256": digest,
    }
    await record_audit(
        session,
        action="credit_note.issued",
        entity_type="credit_note",
        entity_id=note.id,
        before={"invoice_status": invoice.status, "outstanding_amount": str(invoice.outstanding_amount)},
        after=summary,
    )
    # Collections builds on billing: it publishes the event and resolves a case the credit settled.
    for _, follow in credit_note_followers.items():
        await follow(session, invoice.client_id, summary)
    return note


async def _move_balance(
    session: AsyncSession,
    client_id: uuid.UUID,
    amount: Decimal,
    *,
    source: CreditMovementSource,
    credit_note_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    payment_id: uuid.UUID | None = None,
) -> None:
    """Add `amount` (negative: use) to the client's credit balance, with its movement (never below zero:
    the check constraint is the last guard, the caller holds the client lock)."""
    if amount > 0:
        statement = (
            "INSERT INTO client_credit_balances AS b (client_id, balance) VALUES (:client_id, :amount) "
            "ON CONFLICT (client_id) DO UPDATE SET balance = b.balance + EXCLUDED.balance, updated_at = now()"
        )
    else:
        # A use never creates the row (a negative insert would be checked before the conflict is seen).
        statement = (
            "UPDATE client_credit_balances SET balance = balance + :amount, updated_at = now() "
            "WHERE client_id = :client_id"
        )
    await session.execute(text(statement), {"client_id": client_id, "amount": amount})
    session.add(
        ClientCreditMovement(
            client_id=client_id,
            source=source,
            amount=amount,
            credit_note_id=credit_note_id,
            invoice_id=invoice_id,
            payment_id=payment_id,
            created_by=current_actor().subject,
        )
    )
    await session.flush()


# Built once: every payment reads the balance, and composing the statement cost more than running it.
_CREDIT_BALANCE = select(ClientCreditBalance.balance).where(ClientCreditBalance.client_id == bindparam("client_id"))


async def credit_balance(session: AsyncSession, client_id: uuid.UUID) -> Decimal:
    """The client's credit balance (0.00 without one)."""
    balance = await session.scalar(_CREDIT_BALANCE, {"client_id": client_id})
    return Decimal(balance) if balance is not None else ZERO


async def use_credit_balance(session: AsyncSession, client_id: uuid.UUID, open_invoices: Sequence[Invoice]) -> Decimal:
    """Settle the client's open invoices (oldest due first, row-locked by the caller) from its credit balance
    before money is allocated; returns what was used. The caller holds the client lock."""
    available = await credit_balance(session, client_id)
    used = ZERO
    for invoice in open_invoices:
        if available - used <= 0:
            break
        share = min(available - used, settlement.outstanding_after(invoice))
        if share <= 0:
            continue
        await settlement.apply_credit_to_invoice(session, invoice, credited=ZERO, applied=share)
        await _move_balance(session, client_id, -share, source="payment", invoice_id=invoice.id)
        used += share
    return used


async def refund_from_balance(
    session: AsyncSession, client_id: uuid.UUID, amount: Decimal, payment_id: uuid.UUID
) -> None:
    """Take a refund out of the client's credit balance (the caller checked it and holds the client lock)."""
    await _move_balance(session, client_id, -amount, source="refund", payment_id=payment_id)


# Set-based, in a billing chunk: each new invoice of the batch is settled first from its client's balance.
APPLY_BALANCES_TO_RUN = text(
    """
    WITH balances AS (
        SELECT b.client_id, b.balance FROM client_credit_balances b
        WHERE b.balance > 0 AND b.client_id IN (SELECT DISTINCT client_id FROM billing_chunk_lines)
        FOR UPDATE
    ), applied AS (
        UPDATE invoices i
        SET credit_applied = LEAST(b.balance, i.total),
            status = CASE WHEN LEAST(b.balance, i.total) = i.total THEN 'paid' ELSE i.status END
        FROM balances b
        WHERE i.billing_run_id = CAST(:run_id AS uuid) AND i.client_id = b.client_id AND i.status = 'issued'
        RETURNING i.id, i.client_id, i.credit_applied
    ), used AS (
        UPDATE client_credit_balances c SET balance = c.balance - a.credit_applied, updated_at = now()
        FROM applied a WHERE c.client_id = a.client_id
        RETURNING c.client_id
    )
    INSERT INTO client_credit_movements (client_id, source, amount, invoice_id, created_by)
    SELECT a.client_id, 'billing_run', -a.credit_applied, a.id, 'system' FROM applied a
    """
)


def credit_note_filename(number: str) -> str:
    return f"avoir-{number}.pdf"


async def get_credit_note(session: AsyncSession, credit_note_id: uuid.UUID) -> CreditNote:
    note = await session.get(CreditNote, credit_note_id, populate_existing=True)
    if note is None:
        raise CreditNoteNotFound()
    return note


async def get_credit_note_lines(session: AsyncSession, credit_note_id: uuid.UUID) -> list[CreditNoteLine]:
    return list(
        await session.scalars(
            select(CreditNoteLine)
            .where(CreditNoteLine.credit_note_id == credit_note_id)
            .order_by(CreditNoteLine.position)
        )
    )


async def invoice_credit_notes(session: AsyncSession, invoice_id: uuid.UUID) -> list[CreditNote]:
    return list(
        await session.scalars(
            select(CreditNote).where(CreditNote.invoice_id == invoice_id).order_by(CreditNote.credit_note_number)
        )
    )


async def list_credit_notes(
    session: AsyncSession,
    page: PageParams,
    *,
    client_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    credit_note_number: str | None = None,
) -> tuple[list[CreditNote], int]:
    """Credit notes matching every filter (the period filters the issue date), newest first."""
    stmt: Select[tuple[CreditNote]] = select(CreditNote)
    if client_id is not None:
        stmt = stmt.where(CreditNote.client_id == client_id)
    if invoice_id is not None:
        stmt = stmt.where(CreditNote.invoice_id == invoice_id)
    if period_start is not None:
        stmt = stmt.where(CreditNote.issue_date >= period_start)
    if period_end is not None:
        stmt = stmt.where(CreditNote.issue_date <= period_end)
    if credit_note_number is not None:
        stmt = stmt.where(CreditNote.credit_note_number == credit_note_number)
    stmt = stmt.order_by(CreditNote.issue_date.desc(), CreditNote.credit_note_number.desc())
    return await fetch_page(session, stmt, page)


async def get_credit_note_pdf(session: AsyncSession, credit_note_id: uuid.UUID) -> tuple[bytes, str]:
    """The stored PDF and its file name, after checking its SHA-256."""
    note = await get_credit_note(session, credit_note_id)
    document = await session.get(CreditNoteDocument, note.id)
    if document is None:
        raise CreditNotePdfIntegrityError()
    digest = hashlib.sha256(document.content).hexdigest()
    if digest != note.pdf_sha256 or digest != document.sha256:
        raise CreditNotePdfIntegrityError()
    return document.content, credit_note_filename(note.credit_note_number)


def _days_from(first_day: date, month_start: date, days_in_month: int) -> int:
    """Bit mask of the month's days from `first_day` (inclusive) to its end."""
    first = 1 if first_day <= month_start else first_day.day
    return (1 << days_in_month) - (1 << (first - 1))


def _bit_count(mask: int) -> int:
    return bin(mask).count("1")


async def correct_billed_days(
    session: AsyncSession, contract_id: uuid.UUID, first_day: date, reason: str, never_started: bool = False
) -> list[str]:
    """Credit the contract's invoiced days from `first_day` on (no longer owed after a change dated back),
    prorated exactly as they were billed, and make them unbilled so the next run bills what is owed.

    Per contract-month with fee f over n days, m days billed of which r are no longer owed, the credit is
    round(f × m/n) − round(f × (m − r)/n): the month then carries exactly what cumulative proration bills for
    m − r days. The credit is split over the month's lines latest first (the days removed are the latest) and
    grouped into one credit note per invoice. `never_started` (the contract ends before its first day) credits
    its invoiced activation fee as well, on the same note as the days of that invoice. The caller holds the
    client lock."""
    from app.billing.models import BilledContractMonth

    months = list(
        await session.scalars(
            select(BilledContractMonth)
            .where(BilledContractMonth.contract_id == contract_id)
            .order_by(BilledContractMonth.billed_month)
            .with_for_update()
        )
    )
    lines = list(
        await session.scalars(
            select(InvoiceLine)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                InvoiceLine.contract_id == contract_id,
                InvoiceLine.kind.in_(("recurring", "activation") if never_started else ("recurring",)),
                InvoiceLine.period_end >= first_day,
                Invoice.invoice_number.is_not(None),
            )
            .order_by(InvoiceLine.period_start.desc())
        )
    )
    activations = [line for line in lines if line.kind == "activation"]
    lines = [line for line in lines if line.kind == "recurring"]
    credits: dict[uuid.UUID, list[CreditLine]] = {}
    for line in activations:
        # Billed once, on the invoice of the start date; what earlier notes left of it is cut below.
        credits.setdefault(line.invoice_id, []).append(
            CreditLine(
                description=f"{line.description} : contrat annulé avant son début",
                amount=line.amount,
                invoice_line_id=line.id,
                contract_id=contract_id,
                period_start=line.period_start,
                period_end=line.period_end,
            )
        )
    for month in months:
        days_in_month = (
            date(month.billed_month.year + month.billed_month.month // 12, month.billed_month.month % 12 + 1, 1)
            - month.billed_month
        ).days
        month_end = date.fromordinal(month.billed_month.toordinal() + days_in_month - 1)
        if month_end < first_day:
            continue
        removed = month.days_mask & _days_from(first_day, month.billed_month, days_in_month)
        if removed == 0:
            continue
        billed = _bit_count(month.days_mask)
        # Days a later line of the month bills (billed again after a resumption) are that line's: each removed
        # day is credited once, on the latest line that bills it.
        unclaimed = removed
        for line in (
            line for line in lines if line.period_start >= month.billed_month and line.period_end <= month_end
        ):
            span = _days_from(line.period_start, month.billed_month, days_in_month) & ~(
                _days_from(line.period_end + timedelta(days=1), month.billed_month, days_in_month)
                if line.period_end < month_end
                else 0
            )
            taken = unclaimed & span
            count = _bit_count(taken)
            if count == 0:
                continue
            unclaimed &= ~taken
            fee = line.unit_amount
            amount = half_up(fee * billed / days_in_month) - half_up(fee * (billed - count) / days_in_month)
            billed -= count
            if amount <= 0:
                continue
            credits.setdefault(line.invoice_id, []).append(
                CreditLine(
                    description=f"{line.description} : jours non dus",
                    amount=amount,
                    invoice_line_id=line.id,
                    contract_id=contract_id,
                    period_start=month.billed_month + timedelta(days=(taken & -taken).bit_length() - 1),
                    period_end=month.billed_month + timedelta(days=taken.bit_length() - 1),
                    days=count,
                )
            )
        remaining = month.days_mask & ~removed
        if remaining:
            month.days_mask = remaining
        else:
            await session.delete(month)
    await session.flush()
    # Every credit note is issued under its client's lock, which the caller holds: what earlier notes credited
    # on these invoices cannot change meanwhile, so it is read once for all of them; and a note on one invoice
    # changes nothing credited on another.
    credited = await _credited_on(session, list(credits))
    line_amounts = {line.id: line.amount for line in (*lines, *activations)}
    numbers = []
    for invoice_id, credit_lines in credits.items():
        invoice = await settlement.get_invoice(session, invoice_id, for_update=True)
        assert invoice is not None
        left = _not_yet_credited(invoice, credit_lines, line_amounts, credited.get(invoice_id, _Credited()))
        if not left:
            continue
        note = await issue_credit_note(session, invoice, kind="correction", reason=reason, lines=left)
        numbers.append(note.credit_note_number)
    return numbers


@dataclass
class _Credited:
    """What earlier credit notes credited on one invoice (excl. tax): in all, and on each of its lines."""

    subtotal: Decimal = ZERO
    by_line: dict[uuid.UUID, Decimal] = field(default_factory=dict)


async def _credited_on(session: AsyncSession, invoice_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, _Credited]:
    """What earlier credit notes credited on each of the invoices, in one grouped query: the notes' subtotals
    (an `amount` note credits no line) and, per invoice line, the amounts of their lines."""
    if not invoice_ids:
        return {}
    notes = (
        select(CreditNote.invoice_id, cast(null(), Uuid).label("invoice_line_id"), func.sum(CreditNote.subtotal))
        .where(CreditNote.invoice_id.in_(invoice_ids))
        .group_by(CreditNote.invoice_id)
    )
    lines = (
        select(CreditNote.invoice_id, CreditNoteLine.invoice_line_id, func.sum(CreditNoteLine.amount))
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .where(CreditNote.invoice_id.in_(invoice_ids), CreditNoteLine.invoice_line_id.is_not(None))
        .group_by(CreditNote.invoice_id, CreditNoteLine.invoice_line_id)
    )
    credited: dict[uuid.UUID, _Credited] = {}
    for invoice_id, line_id, amount in await session.execute(union_all(notes, lines)):
        found = credited.setdefault(invoice_id, _Credited())
        if line_id is None:
            found.subtotal = Decimal(amount)
        else:
            found.by_line[line_id] = Decimal(amount)
    return credited


def _not_yet_credited(
    invoice: Invoice, wanted: list[CreditLine], line_amounts: dict[uuid.UUID, Decimal], credited: _Credited
) -> list[CreditLine]:
    """The correction lines cut to what earlier credit notes left creditable: on each line (a `lines` or
    `invoice` note may have cancelled it already) and on the invoice (an `amount` note credits no line).
    Their days are no longer billed either way; only money not yet credited is credited."""
    already = dict(credited.by_line)
    invoice_left = creditable_of(invoice, credited.subtotal).subtotal
    result: list[CreditLine] = []
    for credit in wanted:
        assert credit.invoice_line_id is not None
        line_left = line_amounts[credit.invoice_line_id] - already.get(credit.invoice_line_id, ZERO)
        amount = min(credit.amount, line_left, invoice_left)
        if amount <= 0:
            continue
        already[credit.invoice_line_id] = already.get(credit.invoice_line_id, ZERO) + amount
        invoice_left -= amount
        result.append(replace(credit, amount=amount))
    return result
