"""Billing API: billing runs and invoices (thin endpoints over app.billing.service)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from app.auth.deps import require_roles
from app.auth.roles import Role
from app.billing import service
from app.billing.filters import InvoiceFiltersDep
from app.billing.models import BillingRun
from app.billing.schemas import (
    BillingRunCreate,
    BillingRunDetail,
    BillingRunRead,
    FailedClient,
    InvoiceDetail,
    InvoiceLineRead,
    InvoiceRead,
    RunStatus,
)
from app.db import SessionDep
from app.errors import error_responses
from app.kit.correlation import Actor
from app.kit.idempotency import IdempotencyKeyDep, run_idempotent
from app.kit.pagination import Page, PageDep

router = APIRouter(tags=["billing"])

BillingWriterDep = Annotated[Actor, Depends(require_roles(Role.BILLING))]
BillingReaderDep = Annotated[Actor, Depends(require_roles(Role.BILLING, read=True))]
# Collections staff read invoices to follow up payments; they cannot start or discard runs.
InvoiceReaderDep = Annotated[Actor, Depends(require_roles(Role.BILLING, Role.COLLECTIONS, read=True))]


async def _run_detail(session: SessionDep, run: BillingRun) -> BillingRunDetail:
    failures = await service.list_run_failures(session, run.id)
    detail = BillingRunDetail.model_validate(BillingRunRead.model_validate(run).model_dump())
    detail.failed_clients = [FailedClient.model_validate(f) for f in failures]
    return detail


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
        **error_responses(
            {
                400: "idempotency_key_required, idempotency_key_invalid",
                401: "not_authenticated",
                403: "forbidden",
                409: "idempotency_key_conflict, idempotency_key_in_progress",
            }
        ),
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
    responses=error_responses({401: "not_authenticated", 403: "forbidden"}),
)
async def list_billing_runs(
    session: SessionDep,
    page: PageDep,
    _: BillingReaderDep,
    status: RunStatus | None = None,
    dry_run: bool | None = None,
) -> Page[BillingRunRead]:
    rows, total = await service.list_billing_runs(session, page, status=status, dry_run=dry_run)
    return Page(
        items=[BillingRunRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get(
    "/api/v1/billing/runs/{run_id}",
    operation_id="billing-runs-get",
    summary="A billing run: status, progress, counts, timings and parked clients",
    responses=error_responses({401: "not_authenticated", 403: "forbidden", 404: "not_found"}),
)
async def get_billing_run(run_id: uuid.UUID, session: SessionDep, _: BillingReaderDep) -> BillingRunDetail:
    return await _run_detail(session, await service.get_billing_run(session, run_id))


@router.post(
    "/api/v1/billing/runs/{run_id}/discard",
    operation_id="billing-runs-discard",
    summary="Discard the draft invoices of a finished dry run",
    responses=error_responses(
        {401: "not_authenticated", 403: "forbidden", 404: "not_found", 409: "billing_run_not_discardable"}
    ),
)
async def discard_billing_run(run_id: uuid.UUID, session: SessionDep, _: BillingWriterDep) -> BillingRunDetail:
    return await _run_detail(session, await service.discard_billing_run(session, run_id))


@router.get(
    "/api/v1/invoices",
    operation_id="invoices-list",
    summary="List invoices with filters, newest first",
    responses=error_responses({401: "not_authenticated", 403: "forbidden"}),
)
async def list_invoices(
    session: SessionDep, page: PageDep, _: InvoiceReaderDep, filters: InvoiceFiltersDep
) -> Page[InvoiceRead]:
    rows, total = await service.list_invoices(session, page, **filters.as_kwargs())
    return Page(items=[InvoiceRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/api/v1/invoices/{invoice_id}",
    operation_id="invoices-get",
    summary="An invoice with its lines",
    responses=error_responses({401: "not_authenticated", 403: "forbidden", 404: "not_found"}),
)
async def get_invoice(invoice_id: uuid.UUID, session: SessionDep, _: InvoiceReaderDep) -> InvoiceDetail:
    invoice = await service.get_invoice(session, invoice_id)
    lines = await service.get_invoice_lines(session, invoice_id)
    return InvoiceDetail.model_validate(
        {
            **{name: getattr(invoice, name) for name in InvoiceRead.model_fields},
            "lines": [InvoiceLineRead.model_validate(line) for line in lines],
        }
    )


@router.get(
    "/api/v1/invoices/{invoice_id}/pdf",
    operation_id="invoices-pdf",
    summary="The invoice PDF (served only if its SHA-256 still matches)",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(
            {
                401: "not_authenticated",
                403: "forbidden",
                404: "not_found",
                409: "invoice_pdf_not_ready, invoice_pdf_unavailable",
                500: "invoice_pdf_integrity_error",
            }
        ),
    },
)
async def get_invoice_pdf(invoice_id: uuid.UUID, session: SessionDep, _: InvoiceReaderDep) -> Response:
    content, filename = await service.get_invoice_pdf(session, invoice_id)
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
