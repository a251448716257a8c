"""Rendering and storing the PDFs of a run's issued invoices, in batches that each commit on their own."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import and_, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import metrics
from app.billing.models import BillingRun, BillingRunChunk, ClientCreditMovement, Invoice, InvoiceLine
from app.billing.pdf import InvoiceDocumentData, InvoiceLineData, OperatorIdentity, render_invoice_pdf
from app.config import Settings, get_settings
from app.customers.models import Client
from app.kit.masking import mask_cin, mask_line_number, mask_street_address

_STORE_DOCUMENTS = text(
    """
    WITH stored AS (
        INSERT INTO invoice_documents (invoice_id, filename, content_type, size_bytes, sha256, content, metadata)
        SELECT d.invoice_id, d.filename, 'application/pdf', length(d.content), d.sha256, d.content,
               jsonb_build_object('generator', 'reportlab', 'invoice_number', d.invoice_number)
        FROM unnest(CAST(:invoice_ids AS uuid[]), CAST(:filenames AS text[]), CAST(:numbers AS text[]),
                    CAST(:hashes AS text[]), CAST(:contents AS bytea[]))
             AS d(invoice_id, filename, invoice_number, sha256, content)
        ON CONFLICT (invoice_id) DO NOTHING
        RETURNING invoice_id, sha256, size_bytes, generated_at
    )
    UPDATE invoices i
    SET pdf_sha256 = s.sha256, pdf_size_bytes = s.size_bytes, pdf_storage = 'database',
        pdf_rendered_at = s.generated_at, updated_at = now()
    FROM stored s
    WHERE i.id = s.invoice_id
    RETURNING i.id
    """
)


def operator_identity(settings: Settings | None = None) -> OperatorIdentity:
    """The operator's legal identity printed on invoices, from settings."""
    settings = settings or get_settings()
    return OperatorIdentity(
        name=settings.operator_name,
        address=settings.operator_address,
        ice=settings.operator_ice,
        rc=settings.operator_rc,
        tax_identifier=settings.operator_if,
    )


def pdf_filename(invoice_number: str) -> str:
    """The download name of an invoice PDF."""
    return f"facture-{invoice_number}.pdf"


async def _load_documents(
    session: AsyncSession, invoice_ids: list[uuid.UUID], *, public_copy: bool = False
) -> list[tuple[uuid.UUID, InvoiceDocumentData]]:
    """The printed data of each invoice; a `public_copy` masks the CIN, line numbers and street address."""
    # Plain rows, not ORM entities: this runs for every invoice of every run.
    line_rows = await session.execute(
        select(
            InvoiceLine.invoice_id,
            InvoiceLine.kind,
            InvoiceLine.service_type,
            InvoiceLine.offer_name,
            InvoiceLine.phone_number,
            InvoiceLine.period_start,
            InvoiceLine.period_end,
            InvoiceLine.active_days,
            InvoiceLine.suspended_days,
            InvoiceLine.days_in_period,
            InvoiceLine.unit_amount,
            InvoiceLine.amount,
        )
        .where(InvoiceLine.invoice_id.in_(invoice_ids))
        .order_by(
            InvoiceLine.invoice_id,
            InvoiceLine.kind,
            InvoiceLine.service_type,
            InvoiceLine.phone_number,
            InvoiceLine.period_start,
        )
    )
    lines_by_invoice: dict[uuid.UUID, list[InvoiceLineData]] = defaultdict(list)
    for invoice_id, *values in line_rows:
        line = InvoiceLineData(*values)
        if public_copy:
            line = replace(line, phone_number=mask_line_number(line.phone_number))
        lines_by_invoice[invoice_id].append(line)
    invoice_rows = await session.execute(
        select(
            Invoice.id,
            Invoice.invoice_number,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.period_start,
            Invoice.period_end,
            Invoice.currency,
            Invoice.subtotal,
            Invoice.tax_rate,
            Invoice.tax_amount,
            Invoice.total,
            Client.kind,
            Client.first_name,
            Client.last_name,
            Client.company_name,
            Client.cin,
            Client.address,
            Client.city,
        )
        .join(Client, Client.id == Invoice.client_id)
        .where(Invoice.id.in_(invoice_ids))
    )
    # The balance applied at issue (a run's applied-credit), not later credit notes of the invoice itself.
    applied_rows = await session.execute(
        select(ClientCreditMovement.invoice_id, func.sum(-ClientCreditMovement.amount))
        .where(ClientCreditMovement.invoice_id.in_(invoice_ids), ClientCreditMovement.source == "billing_run")
        .group_by(ClientCreditMovement.invoice_id)
    )
    applied = {invoice_id: Decimal(amount) for invoice_id, amount in applied_rows.all()}
    documents = []
    for row in invoice_rows:
        if row.kind == "business":
            client_name = row.company_name or ""
        else:
            client_name = f"{row.first_name or ''} {row.last_name or ''}".strip()
        documents.append(
            (
                row.id,
                InvoiceDocumentData(
                    invoice_number=row.invoice_number or "",
                    issue_date=row.issue_date,
                    due_date=row.due_date,
                    period_start=row.period_start,
                    period_end=row.period_end,
                    client_name=client_name,
                    client_cin=mask_cin(row.cin) if public_copy else row.cin,
                    client_address=(
                        mask_street_address(row.address, row.city)
                        if public_copy
                        else ", ".join(part for part in (row.address, row.city) if part)
                    ),
                    currency=row.currency,
                    subtotal=row.subtotal,
                    tax_rate=row.tax_rate,
                    tax_amount=row.tax_amount,
                    total=row.total,
                    lines=tuple(lines_by_invoice[row.id]),
                    credit_applied=applied.get(row.id, Decimal("0.00")),
                ),
            )
        )
    return documents


async def render_public_copy(session: AsyncSession, invoice_id: uuid.UUID) -> bytes:
    """The invoice PDF as a public link may show it (masked); the stored PDF stays the legal document."""
    [(_, document)] = await _load_documents(session, [invoice_id], public_copy=True)
    return render_invoice_pdf(document, operator_identity())


def _render_all(
    documents: list[tuple[uuid.UUID, InvoiceDocumentData]], operator: OperatorIdentity
) -> list[tuple[uuid.UUID, str, bytes]]:
    rendered = []
    for invoice_id, document in documents:
        started = time.perf_counter()
        rendered.append((invoice_id, document.invoice_number, render_invoice_pdf(document, operator)))
        metrics.PDF_RENDER_SECONDS.observe(time.perf_counter() - started)
    return rendered


async def render_pdf_batch(session: AsyncSession, run_id: uuid.UUID, chunk_index: int | None, *, limit: int) -> int:
    """Render and store up to `limit` missing PDFs of the run (of one chunk when given); returns how many."""
    conditions = [
        Invoice.billing_run_id == run_id,
        Invoice.pdf_sha256.is_(None),
        Invoice.invoice_number.is_not(None),
    ]
    if chunk_index is not None:
        chunk = await session.get(BillingRunChunk, (run_id, chunk_index))
        if chunk is None:
            return 0
        if chunk.lower_client_id is not None:
            conditions.append(Invoice.client_id > chunk.lower_client_id)
        if chunk.upper_client_id is not None:
            conditions.append(Invoice.client_id <= chunk.upper_client_id)
    # SKIP LOCKED: two workers on the same run share the invoices instead of rendering them twice.
    invoice_ids = list(
        await session.scalars(
            select(Invoice.id)
            .where(and_(*conditions))
            .order_by(Invoice.client_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not invoice_ids:
        return 0
    documents = await _load_documents(session, invoice_ids)
    # Rendering is CPU work: a thread keeps the event loop (API requests, heartbeats) responsive.
    rendered = await asyncio.to_thread(_render_all, documents, operator_identity())
    stored = (
        await session.execute(
            _STORE_DOCUMENTS,
            {
                "invoice_ids": [invoice_id for invoice_id, _, _ in rendered],
                "filenames": [pdf_filename(number) for _, number, _ in rendered],
                "numbers": [number for _, number, _ in rendered],
                "hashes": [hashlib.sha256(content).hexdigest() for _, _, content in rendered],
                "contents": [content for _, _, content in rendered],
            },
        )
    ).all()
    count = len(stored)
    metrics.PDFS_RENDERED.inc(count)
    await _count_rendered(session, run_id, count)
    return count


async def _count_rendered(session: AsyncSession, run_id: uuid.UUID, count: int) -> None:
    now = datetime.now(UTC)
    await session.execute(
        update(BillingRun).where(BillingRun.id == run_id).values(pdfs_rendered=BillingRun.pdfs_rendered + count)
    )
    await session.execute(
        update(BillingRun)
        .where(
            BillingRun.id == run_id,
            BillingRun.status == "completed",
            BillingRun.pdfs_ready.is_(False),
            BillingRun.pdfs_rendered >= BillingRun.invoices_count,
        )
        .values(pdfs_ready=True, pdfs_finished_at=now)
    )
    await refresh_pending_gauge(session)


async def refresh_pending_gauge(session: AsyncSession) -> None:
    """Set the PDFs-pending gauge from the runs still rendering (the same figure in every process)."""
    pending = await session.scalar(
        select(func.coalesce(func.sum(BillingRun.invoices_count - BillingRun.pdfs_rendered), 0)).where(
            BillingRun.dry_run.is_(False), BillingRun.pdfs_ready.is_(False)
        )
    )
    metrics.PDFS_PENDING.set(float(pending or 0))
