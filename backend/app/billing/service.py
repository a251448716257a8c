"""Billing: runs and invoices. Other modules call these functions, never the billing tables."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Select, exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import credit_notes, runner, settlement, tasks
from app.billing.documents import pdf_filename, render_pdf_batch, render_public_copy
from app.billing.exceptions import (
    BillingRunNotDiscardable,
    BillingRunNotFound,
    InvoiceNotCreditable,
    InvoiceNotFound,
    InvoicePdfIntegrityError,
    InvoicePdfNotReady,
    InvoicePdfUnavailable,
    PeriodTooFarAhead,
)
from app.billing.filters import InvoiceFilters
from app.billing.models import (
    BilledActivation,
    BillingRun,
    BillingRunFailure,
    CreditNote,
    Invoice,
    InvoiceDocument,
    InvoiceLine,
)
from app.billing.schemas import BillingRunCreate, CreditNoteCreate
from app.catalog.components import SERVICE_TYPES_OF_CATEGORY
from app.config import get_settings
from app.errors import BusinessValidationError
from app.kit.audit import record_audit
from app.kit.correlation import current_actor
from app.kit.dates import utc_today
from app.kit.pagination import PageParams, fetch_page, sort_order

FAILED_CLIENTS_SHOWN = 200


async def _client_has_invoices(session: AsyncSession, client_id: uuid.UUID) -> bool:
    # Drafts count too: their rows reference the client (the foreign key would refuse the delete anyway).
    return bool(await session.scalar(select(exists().where(Invoice.client_id == client_id))))


async def client_has_outstanding_invoices(session: AsyncSession, client_id: uuid.UUID) -> bool:
    """True when an issued or overdue invoice of the client is not fully paid."""
    owed = select(Invoice.id).where(
        Invoice.client_id == client_id, Invoice.status.in_(("issued", "overdue")), Invoice.outstanding_amount > 0
    )
    return bool(await session.scalar(select(exists(owed))))


async def billed_through(session: AsyncSession, contract_id: uuid.UUID) -> date | None:
    """The last day of the contract covered by a legal invoice (drafts claim no days), or None."""
    last_day = await session.scalar(
        text("SELECT billing_contract_billed_through(CAST(:contract_id AS uuid))"), {"contract_id": contract_id}
    )
    assert last_day is None or isinstance(last_day, date)
    return last_day


async def activation_billed(session: AsyncSession, contract_id: uuid.UUID) -> bool:
    """True when the contract's activation fee is on a legal invoice."""
    return bool(await session.scalar(select(exists().where(BilledActivation.contract_id == contract_id))))


def latest_allowed_period_start(today: date, months_ahead: int) -> date:
    """The latest first day a run may bill: the first day of the month `months_ahead` after today's."""
    month_index = today.year * 12 + today.month - 1 + months_ahead
    return date(month_index // 12, month_index % 12 + 1, 1)


def _check_run_request(payload: BillingRunCreate) -> None:
    settings = get_settings()
    if payload.tax_rate not in settings.billing_tax_rates:
        legal = ", ".join(f"{rate:.2f}" for rate in sorted(settings.billing_tax_rates, reverse=True))
        raise BusinessValidationError(
            ["body", "tax_rate"], f"{payload.tax_rate} is not a legal TVA rate; the configured rates are {legal}."
        )
    # Invoices for a service that has not started go overdue and trigger dunning for nothing.
    latest = latest_allowed_period_start(utc_today(), settings.billing_max_months_ahead)
    if payload.period_start > latest:
        raise PeriodTooFarAhead(
            f"A billing period may start on {latest.isoformat()} at the latest "
            f"({settings.billing_max_months_ahead} calendar month(s) ahead)."
        )


async def create_billing_run(session: AsyncSession, payload: BillingRunCreate) -> BillingRun:
    """Record a queued run and enqueue its planning job in the same transaction."""
    _check_run_request(payload)
    actor = current_actor()
    run = BillingRun(
        status="queued",
        dry_run=payload.dry_run,
        period_start=payload.period_start,
        period_end=payload.period_end,
        issue_date=utc_today(),
        due_days=payload.due_days,
        tax_rate=payload.tax_rate,
        chunk_size=get_settings().billing_chunk_size,
        chunks_total=0,
        chunks_done=0,
        clients_total=0,
        clients_processed=0,
        clients_failed=0,
        contracts_count=0,
        invoices_count=0,
        lines_count=0,
        total_amount=0,
        pdfs_rendered=0,
        pdfs_ready=False,
        created_by=actor.subject,
        updated_by=actor.subject,
    )
    session.add(run)
    await session.flush()
    await session.refresh(run)
    await record_audit(
        session,
        action="billing_run.created",
        entity_type="billing_run",
        entity_id=run.id,
        after=payload.model_dump(mode="json"),
    )
    await tasks.enqueue_run(session, run.id)
    return run


async def get_billing_run(session: AsyncSession, run_id: uuid.UUID) -> BillingRun:
    """The run, or BillingRunNotFound."""
    run = await session.get(BillingRun, run_id, populate_existing=True)
    if run is None:
        raise BillingRunNotFound()
    return run


async def list_billing_runs(
    session: AsyncSession,
    page: PageParams,
    *,
    status: str | None = None,
    dry_run: bool | None = None,
) -> tuple[list[BillingRun], int]:
    """Runs, newest first."""
    stmt = select(BillingRun).order_by(BillingRun.created_at.desc(), BillingRun.id)
    if status is not None:
        stmt = stmt.where(BillingRun.status == status)
    if dry_run is not None:
        stmt = stmt.where(BillingRun.dry_run.is_(dry_run))
    return await fetch_page(session, stmt, page)


async def list_run_failures(session: AsyncSession, run_id: uuid.UUID) -> list[BillingRunFailure]:
    """The clients a run parked, with the reason (the first FAILED_CLIENTS_SHOWN)."""
    return list(
        await session.scalars(
            select(BillingRunFailure)
            .where(BillingRunFailure.billing_run_id == run_id)
            .order_by(BillingRunFailure.created_at, BillingRunFailure.client_id)
            .limit(FAILED_CLIENTS_SHOWN)
        )
    )


async def discard_billing_run(session: AsyncSession, run_id: uuid.UUID) -> BillingRun:
    """Discard the drafts of a finished dry run; issued invoices can never be discarded."""
    run = await session.get(BillingRun, run_id, with_for_update=True, populate_existing=True)
    if run is None:
        raise BillingRunNotFound()
    if not run.dry_run or run.status not in ("completed", "failed") or run.discarded_at is not None:
        raise BillingRunNotDiscardable()
    result = await session.execute(
        update(Invoice)
        .where(Invoice.billing_run_id == run.id, Invoice.status == "draft")
        .values(status="discarded", updated_at=func.now())
    )
    run.discarded_at = datetime.now(UTC)
    run.updated_by = current_actor().subject
    await session.flush()
    await record_audit(
        session,
        action="billing_run.discarded",
        entity_type="billing_run",
        entity_id=run.id,
        after={"drafts_discarded": int(getattr(result, "rowcount", 0) or 0)},
    )
    await session.refresh(run)
    return run


async def run_billing_to_completion(
    session: AsyncSession, run_id: uuid.UUID, *, render_pdfs: bool = True
) -> BillingRun:
    """Plan, bill every chunk and render every PDF of a run in the caller's transaction (tests, scripts).

    The same functions the jobs call, minus the queue: jobs already enqueued for this run find their
    work done and do nothing.
    """
    await runner.plan_run(session, run_id)
    for chunk_index in await runner.pending_chunks(session, run_id):
        await runner.bill_chunk(session, run_id, chunk_index)
    if render_pdfs:
        batch_size = get_settings().billing_pdf_batch_size
        while await render_pdf_batch(session, run_id, None, limit=batch_size):
            pass
    return await get_billing_run(session, run_id)


def invoices_statement(filters: InvoiceFilters) -> Select[Invoice]:
    """The invoices matching every given filter, newest first unless `sort` names a column (`-` for
    descending): the list pages it, the CSV export streams it, so both hold the same rows in the same order."""
    stmt = select(Invoice)
    if filters.total_min is not None:
        stmt = stmt.where(Invoice.total >= filters.total_min)
    if filters.total_max is not None:
        stmt = stmt.where(Invoice.total <= filters.total_max)
    if filters.client_id is not None:
        stmt = stmt.where(Invoice.client_id == filters.client_id)
    if filters.status is not None:
        stmt = stmt.where(Invoice.status == filters.status)
    if filters.run_id is not None:
        stmt = stmt.where(Invoice.billing_run_id == filters.run_id)
    if filters.invoice_number is not None:
        stmt = stmt.where(Invoice.invoice_number == filters.invoice_number)
    # An invoice matches a period when its own period overlaps it.
    if filters.period_start is not None:
        stmt = stmt.where(Invoice.period_end >= filters.period_start)
    if filters.period_end is not None:
        stmt = stmt.where(Invoice.period_start <= filters.period_end)
    if filters.service is not None:
        stmt = stmt.where(
            exists().where(
                InvoiceLine.invoice_id == Invoice.id,
                InvoiceLine.service_type.in_(SERVICE_TYPES_OF_CATEGORY[filters.service]),
            )
        )
    if filters.offer_id is not None:
        stmt = stmt.where(
            exists().where(InvoiceLine.invoice_id == Invoice.id, InvoiceLine.offer_id == filters.offer_id)
        )
    if filters.sort:
        stmt = stmt.order_by(sort_order(Invoice, filters.sort))
    # Ties (and the unsorted list) fall back to newest first, so pages never overlap.
    return stmt.order_by(Invoice.issue_date.desc(), Invoice.invoice_number.desc().nulls_last(), Invoice.id)


async def list_invoices(session: AsyncSession, page: PageParams, filters: InvoiceFilters) -> tuple[list[Invoice], int]:
    """One page of the invoices of `invoices_statement`'s filters, with the count."""
    # One client's invoices are few and read through its index: counted in the page's own query.
    return await fetch_page(session, invoices_statement(filters), page, count_in_page=filters.client_id is not None)


async def get_invoice(session: AsyncSession, invoice_id: uuid.UUID) -> Invoice:
    """The invoice, or InvoiceNotFound."""
    invoice = await session.get(Invoice, invoice_id, populate_existing=True)
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


async def get_invoice_lines(session: AsyncSession, invoice_id: uuid.UUID) -> list[InvoiceLine]:
    """The lines of an invoice in print order: activation fees first, then by service and number."""
    return list(
        await session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice_id)
            .order_by(InvoiceLine.kind, InvoiceLine.service_type, InvoiceLine.phone_number, InvoiceLine.period_start)
        )
    )


async def list_client_invoices(
    session: AsyncSession, client_id: uuid.UUID, *, limit: int = 50, offset: int = 0
) -> tuple[list[Invoice], int]:
    """A client's legal invoices (drafts and discarded previews excluded), newest first."""
    stmt = (
        select(Invoice)
        .where(Invoice.client_id == client_id, Invoice.invoice_number.is_not(None))
        .order_by(Invoice.issue_date.desc(), Invoice.invoice_number.desc())
    )
    return await fetch_page(session, stmt, PageParams(limit=limit, offset=offset))


async def public_invoice_copy(session: AsyncSession, invoice_id: uuid.UUID) -> bytes:
    """The invoice PDF with the CIN, line numbers and street address masked, for public links."""
    return await render_public_copy(session, invoice_id)


async def get_invoice_pdf(session: AsyncSession, invoice_id: uuid.UUID) -> tuple[bytes, str]:
    """The stored PDF bytes and file name, after checking them against the recorded SHA-256."""
    invoice = await get_invoice(session, invoice_id)
    if invoice.invoice_number is None:
        raise InvoicePdfUnavailable()
    document = await session.get(InvoiceDocument, invoice.id)
    if document is None or invoice.pdf_sha256 is None:
        raise InvoicePdfNotReady()
    digest = hashlib.sha256(document.content).hexdigest()
    if digest != invoice.pdf_sha256 or digest != document.sha256 or len(document.content) != invoice.pdf_size_bytes:
        raise InvoicePdfIntegrityError()
    return document.content, pdf_filename(invoice.invoice_number)


async def create_credit_note(session: AsyncSession, invoice_id: uuid.UUID, payload: CreditNoteCreate) -> CreditNote:
    """Issue a credit note on the invoice as asked (whole invoice, chosen lines, or an amount with a reason)."""
    invoice = await credit_notes.locked_invoice(session, invoice_id)
    if invoice.status not in settlement.CREDITABLE_STATUSES:
        raise InvoiceNotCreditable()
    lines = await credit_notes.lines_for_request(
        session, invoice, kind=payload.kind, line_ids=payload.line_ids, amount=payload.amount, reason=payload.reason
    )
    return await credit_notes.issue_credit_note(session, invoice, kind=payload.kind, reason=payload.reason, lines=lines)
