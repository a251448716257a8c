"""Billing API: billing runs and invoices (thin endpoints over app.billing.service)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from app.auth.deps import BillingReaderDep, BillingWriterDep, InvoiceReaderDep
from app.billing import credit_notes, service
from app.billing.exceptions import (
    BillingRunNotDiscardable,
    BillingRunNotFound,
    CreditExceedsCreditable,
    CreditNoteLineInvalid,
    CreditNoteNotFound,
    CreditNotePdfIntegrityError,
    InvoiceNotCreditable,
    InvoiceNotFound,
    InvoicePdfIntegrityError,
    InvoicePdfNotReady,
    InvoicePdfUnavailable,
    PeriodTooFarAhead,
)
from app.billing.filters import InvoiceFiltersDep
from app.billing.models import BillingRun, CreditNote
from app.billing.schemas import (
    BillingRunCreate,
    BillingRunDetail,
    BillingRunRead,
    CreditNoteCreate,
    CreditNoteDetail,
    CreditNoteLineRead,
    CreditNoteRead,
    FailedClient,
    InvoiceCreditNoteSummary,
    InvoiceDetail,
    InvoiceLineRead,
    InvoiceRead,
    RunStatus,
)
from app.db import SessionDep, StreamingSessionDep
from app.errors import error_responses
from app.kit.csv_export import stream_csv
from app.kit.idempotency import IdempotencyKeyDep, run_idempotent
from app.kit.pagination import Page, PageDep
from app.kit.validation import IsoDate, QueryBool

router = APIRouter(tags=["billing"])

# Collections staff read invoices to follow up payments; they cannot start or discard runs.


async def _run_detail(session: SessionDep, run: BillingRun) -> BillingRunDetail:
    failures = await service.list_run_failures(session, run.id)
    detail = BillingRunDetail.model_validate(BillingRunRead.model_validate(run).model_dump())
    detail.failed_clients = [FailedClient.model_validate(f) for f in failures]
    return detail


def _pdf_response(content: bytes, filename: str) -> Response:
    """A stored legal document shown inline, its SHA-256 as ETag and header so a reader can check it."""
    digest = hashlib.sha256(content).hexdigest()
    return Response(
        content=content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "ETag": f'"{digest}"',
            "X-Content-SHA256": digest,
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/api/v1/billing/runs",
    status_code=202,
    response_model=BillingRunDetail,
    operation_id="billing-runs-create",
    summary="Start a billing run for a period (processed in the background)",
    description=(
        "Answers 202 with the queued run; poll `GET /api/v1/billing/runs/{id}` for progress. Every billable "
        "client gets one invoice aggregating its contracts; no contract day is ever billed twice, even by "
        "overlapping runs. `dry_run` writes drafts without legal numbers, to be discarded."
    ),
    responses={
        202: {
            "headers": {
                "Idempotent-Replayed": {
                    "description": "`true` when the stored answer of an earlier request is replayed.",
                    "schema": {"type": "string"},
                }
            }
        },
        **error_responses(PeriodTooFarAhead),
    },
)
async def create_billing_run(
    payload: BillingRunCreate, session: SessionDep, _: BillingWriterDep, idempotency_key: IdempotencyKeyDep
) -> Any:
    async def create() -> BillingRunDetail:
        return await _run_detail(session, await service.create_billing_run(session, payload))

    return await run_idempotent(
        session,
        operation="billing-runs-create",
        key=idempotency_key,
        payload=payload.model_dump(mode="json"),
        status_code=202,
        handler=create,
    )


@router.get(
    "/api/v1/billing/runs",
    operation_id="billing-runs-list",
    summary="List billing runs, newest first",
)
async def list_billing_runs(
    session: SessionDep,
    page: PageDep,
    _: BillingReaderDep,
    status: RunStatus | None = None,
    dry_run: Annotated[QueryBool | None, Query(description="Only dry runs (true) or only real runs (false).")] = None,
) -> Page[BillingRunRead]:
    rows, total = await service.list_billing_runs(session, page, status=status, dry_run=dry_run)
    return Page(
        items=[BillingRunRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get(
    "/api/v1/billing/runs/{run_id}",
    operation_id="billing-runs-get",
    summary="A billing run: status, progress, counts, timings and parked clients",
    responses=error_responses(BillingRunNotFound),
)
async def get_billing_run(run_id: uuid.UUID, session: SessionDep, _: BillingReaderDep) -> BillingRunDetail:
    return await _run_detail(session, await service.get_billing_run(session, run_id))


@router.post(
    "/api/v1/billing/runs/{run_id}/discard",
    operation_id="billing-runs-discard",
    summary="Discard the draft invoices of a finished dry run",
    responses=error_responses(BillingRunNotFound, BillingRunNotDiscardable),
)
async def discard_billing_run(run_id: uuid.UUID, session: SessionDep, _: BillingWriterDep) -> BillingRunDetail:
    return await _run_detail(session, await service.discard_billing_run(session, run_id))


@router.get(
    "/api/v1/invoices",
    operation_id="invoices-list",
    summary="List invoices with filters, newest first",
)
async def list_invoices(
    session: SessionDep, page: PageDep, _: InvoiceReaderDep, filters: InvoiceFiltersDep
) -> Page[InvoiceRead]:
    rows, total = await service.list_invoices(session, page, filters)
    return Page(items=[InvoiceRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


INVOICE_EXPORT_COLUMNS = (
    "invoice_number",
    "client_id",
    "status",
    "period_start",
    "period_end",
    "issue_date",
    "due_date",
    "subtotal",
    "tax_rate",
    "tax_amount",
    "total",
    "paid_amount",
    "outstanding_amount",
    "currency",
)


@router.get(
    "/api/v1/invoices/export.csv",
    operation_id="invoices-export",
    summary="Export the invoices matching the list's filters and sort as CSV (streamed)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "RFC 4180 CSV"}},
)
async def export_invoices(session: StreamingSessionDep, _: InvoiceReaderDep, filters: InvoiceFiltersDep) -> Response:
    return stream_csv(
        session,
        service.invoices_statement(filters),
        header=INVOICE_EXPORT_COLUMNS,
        row=lambda found: [getattr(found[0], column) for column in INVOICE_EXPORT_COLUMNS],
        filename="invoices.csv",
    )


@router.get(
    "/api/v1/invoices/{invoice_id}",
    operation_id="invoices-get",
    summary="An invoice with its lines",
    responses=error_responses(InvoiceNotFound),
)
async def get_invoice(invoice_id: uuid.UUID, session: SessionDep, _: InvoiceReaderDep) -> InvoiceDetail:
    invoice = await service.get_invoice(session, invoice_id)
    lines = await service.get_invoice_lines(session, invoice_id)
    notes = await credit_notes.invoice_credit_notes(session, invoice_id)
    creditable = await credit_notes.creditable(session, invoice)
    return InvoiceDetail.model_validate(
        {
            **{name: getattr(invoice, name) for name in InvoiceRead.model_fields},
            "lines": [InvoiceLineRead.model_validate(line) for line in lines],
            "credit_notes": [InvoiceCreditNoteSummary.model_validate(note) for note in notes],
            "creditable_subtotal": creditable.subtotal,
            "creditable_total": creditable.total,
        }
    )


@router.get(
    "/api/v1/invoices/{invoice_id}/pdf",
    operation_id="invoices-pdf",
    summary="The invoice PDF (served only if its SHA-256 still matches)",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(InvoiceNotFound, InvoicePdfNotReady, InvoicePdfUnavailable, InvoicePdfIntegrityError),
    },
)
async def get_invoice_pdf(invoice_id: uuid.UUID, session: SessionDep, _: InvoiceReaderDep) -> Response:
    return _pdf_response(*await service.get_invoice_pdf(session, invoice_id))


# --- credit notes ------------------------------------------------------------------------------------


async def _credit_note_detail(session: SessionDep, note: CreditNote) -> CreditNoteDetail:
    invoice = await service.get_invoice(session, note.invoice_id)
    lines = await credit_notes.get_credit_note_lines(session, note.id)
    return CreditNoteDetail.model_validate(
        {
            **CreditNoteRead.model_validate(note).model_dump(),
            "invoice_number": invoice.invoice_number,
            "lines": [CreditNoteLineRead.model_validate(line) for line in lines],
        }
    )


@router.post(
    "/api/v1/invoices/{invoice_id}/credit-notes",
    status_code=201,
    response_model=CreditNoteDetail,
    operation_id="credit-notes-create",
    summary="Issue a credit note on an invoice (whole invoice, chosen lines or an amount)",
    description=(
        "Issues a legal credit note `AV-YYYY-NNNNNN` with its PDF, in one transaction. Its total first reduces "
        "the invoice's outstanding amount; the rest goes to the client's credit balance. Never more than what "
        "is still creditable."
    ),
    responses=error_responses(InvoiceNotFound, InvoiceNotCreditable, CreditExceedsCreditable, CreditNoteLineInvalid),
)
async def create_credit_note(
    invoice_id: uuid.UUID,
    payload: CreditNoteCreate,
    session: SessionDep,
    _: BillingWriterDep,
    idempotency_key: IdempotencyKeyDep,
) -> Any:
    async def create() -> CreditNoteDetail:
        note = await service.create_credit_note(session, invoice_id, payload)
        return await _credit_note_detail(session, note)

    return await run_idempotent(
        session,
        operation="credit-notes-create",
        key=idempotency_key,
        payload={"invoice_id": str(invoice_id), **payload.model_dump(mode="json")},
        status_code=201,
        handler=create,
    )


@router.get(
    "/api/v1/credit-notes",
    operation_id="credit-notes-list",
    summary="List credit notes with filters, newest first",
)
async def list_credit_notes(
    session: SessionDep,
    page: PageDep,
    _: InvoiceReaderDep,
    client_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    period_start: Annotated[IsoDate | None, Query(description="Issued on or after this date.")] = None,
    period_end: Annotated[IsoDate | None, Query(description="Issued on or before this date.")] = None,
    credit_note_number: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[CreditNoteRead]:
    rows, total = await credit_notes.list_credit_notes(
        session,
        page,
        client_id=client_id,
        invoice_id=invoice_id,
        period_start=period_start,
        period_end=period_end,
        credit_note_number=credit_note_number,
    )
    return Page(
        items=[CreditNoteRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get(
    "/api/v1/credit-notes/{credit_note_id}",
    operation_id="credit-notes-get",
    summary="A credit note with its lines",
    responses=error_responses(CreditNoteNotFound),
)
async def get_credit_note(credit_note_id: uuid.UUID, session: SessionDep, _: InvoiceReaderDep) -> CreditNoteDetail:
    return await _credit_note_detail(session, await credit_notes.get_credit_note(session, credit_note_id))


@router.get(
    "/api/v1/credit-notes/{credit_note_id}/pdf",
    operation_id="credit-notes-pdf",
    summary="The credit note PDF (served only if its SHA-256 still matches)",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(CreditNoteNotFound, CreditNotePdfIntegrityError),
    },
)
async def get_credit_note_pdf(credit_note_id: uuid.UUID, session: SessionDep, _: InvoiceReaderDep) -> Response:
    return _pdf_response(*await credit_notes.get_credit_note_pdf(session, credit_note_id))
