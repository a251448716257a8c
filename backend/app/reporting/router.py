"""Reporting API: the home dashboard, the legal tax rates a run may use, and CSV exports of the lists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from app.auth.deps import require_roles
from app.auth.roles import Role
from app.billing import service as billing_service
from app.billing.filters import InvoiceFiltersDep
from app.collections import cases
from app.collections.filters import CaseFiltersDep
from app.config import get_settings
from app.db import SessionDep
from app.errors import error_responses
from app.kit.correlation import Actor
from app.kit.money import format_money, format_rate
from app.kit.pagination import PageParams
from app.reporting import service
from app.reporting.schemas import Dashboard

router = APIRouter(tags=["reporting"])

# Every workspace role sees the dashboard: it shows book-wide totals, no client's details.
DashboardReaderDep = Annotated[Actor, Depends(require_roles(Role.OPERATOR, Role.BILLING, Role.COLLECTIONS, read=True))]
# Exports carry the same roles as the lists they export.
InvoiceReaderDep = Annotated[Actor, Depends(require_roles(Role.BILLING, Role.COLLECTIONS, read=True))]
CaseReaderDep = Annotated[Actor, Depends(require_roles(Role.COLLECTIONS, Role.BILLING, read=True))]
BillingReaderDep = Annotated[Actor, Depends(require_roles(Role.BILLING, read=True))]

_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


def _csv_response(body: str, filename: str) -> Response:
    return Response(
        content=body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


@router.get(
    "/api/v1/reporting/dashboard",
    operation_id="reporting-dashboard",
    summary="Home dashboard figures: live book by category, this month's invoicing and collection, last run",
    responses=error_responses({401: "not_authenticated", 403: "forbidden"}),
)
async def get_dashboard(session: SessionDep, _: DashboardReaderDep) -> Dashboard:
    return Dashboard.model_validate(await service.dashboard(session), from_attributes=True)


@router.get(
    "/api/v1/reporting/tax-rates",
    operation_id="reporting-tax-rates",
    summary="The legal TVA rates a billing run may apply (configured), highest first",
    responses=error_responses({401: "not_authenticated", 403: "forbidden"}),
)
async def get_tax_rates(_: BillingReaderDep) -> list[str]:
    return [format_rate(rate) for rate in sorted(get_settings().billing_tax_rates, reverse=True)]


@router.get(
    "/api/v1/reporting/invoices.csv",
    operation_id="reporting-invoices-csv",
    summary="The invoices of the list's filters and sort as CSV (every page)",
    response_class=Response,
    responses={**_CSV, **error_responses({401: "not_authenticated", 403: "forbidden"})},
)
async def export_invoices(session: SessionDep, _: InvoiceReaderDep, filters: InvoiceFiltersDep) -> Response:
    async def fetch(page: PageParams) -> Any:
        return await billing_service.list_invoices(session, page, **filters.as_kwargs())

    header = (
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
    body = "".join(
        [
            chunk
            async for chunk in service.csv_rows(
                fetch,
                header,
                lambda i: [
                    i.invoice_number or "",
                    i.client_id,
                    i.status,
                    i.period_start,
                    i.period_end,
                    i.issue_date,
                    i.due_date,
                    format_money(i.subtotal),
                    format_rate(i.tax_rate),
                    format_money(i.tax_amount),
                    format_money(i.total),
                    format_money(i.paid_amount),
                    format_money(i.outstanding_amount),
                    i.currency,
                ],
            )
        ]
    )
    return _csv_response(body, "invoices.csv")


@router.get(
    "/api/v1/reporting/collection-cases.csv",
    operation_id="reporting-collection-cases-csv",
    summary="The collection cases of the list's filters and sort as CSV (every page)",
    response_class=Response,
    responses={**_CSV, **error_responses({401: "not_authenticated", 403: "forbidden"})},
)
async def export_cases(session: SessionDep, _: CaseReaderDep, filters: CaseFiltersDep) -> Response:
    async def fetch(page: PageParams) -> Any:
        return await cases.list_cases(session, page, **filters.as_kwargs())

    header = (
        "case_id",
        "client_id",
        "status",
        "aging_bucket",
        "days_past_due",
        "total_overdue",
        "overdue_invoice_count",
        "oldest_due_date",
        "opened_on",
        "closed_on",
        "promised_date",
        "promised_amount",
    )
    body = "".join(
        [
            chunk
            async for chunk in service.csv_rows(
                fetch,
                header,
                lambda c: [
                    c.id,
                    c.client_id,
                    c.status,
                    c.aging_bucket,
                    c.days_past_due,
                    format_money(c.total_overdue),
                    c.overdue_invoice_count,
                    c.oldest_due_date or "",
                    c.opened_on,
                    c.closed_on or "",
                    c.promised_date or "",
                    format_money(c.promised_amount) if c.promised_amount is not None else "",
                ],
            )
        ]
    )
    return _csv_response(body, "collection-cases.csv")
