"""Reporting API: the home dashboard and the legal tax rates a billing run may use. The lists' CSV exports
live beside the lists (`/invoices/export.csv`, `/collections/cases/export.csv`), with the same filters."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import BillingReaderDep, StaffReaderDep
from app.config import get_settings
from app.db import SessionDep
from app.kit.money import format_rate
from app.reporting import service
from app.reporting.schemas import Dashboard

router = APIRouter(tags=["reporting"])

# Every workspace role sees the dashboard (StaffReaderDep): it shows book-wide totals, no client's details.


@router.get(
    "/api/v1/reporting/dashboard",
    operation_id="reporting-dashboard",
    summary="Home dashboard figures: live book by category, this month's invoicing and collection, last run",
)
async def get_dashboard(session: SessionDep, _: StaffReaderDep) -> Dashboard:
    return Dashboard.model_validate(await service.dashboard(session), from_attributes=True)


@router.get(
    "/api/v1/reporting/tax-rates",
    operation_id="reporting-tax-rates",
    summary="The legal TVA rates a billing run may apply (configured), highest first",
)
async def get_tax_rates(_: BillingReaderDep) -> list[str]:
    return [format_rate(rate) for rate in sorted(get_settings().billing_tax_rates, reverse=True)]
