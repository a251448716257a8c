"""Reporting shapes: the home dashboard figures."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel

from app.catalog.schemas import OfferCategory
from app.kit.money import Money

Category = OfferCategory


class CategoryFigures(BaseModel):
    category: Category
    active_contracts: int
    monthly_recurring_revenue: Money


class LastRun(BaseModel):
    id: uuid.UUID
    status: str
    dry_run: bool
    period_start: date
    period_end: date
    invoices_count: int
    total_amount: Money
    created_at: datetime
    created_by: str | None


class Dashboard(BaseModel):
    as_of: date
    currency: str = "MAD"
    active_clients: int
    delinquent_clients: int
    by_category: list[CategoryFigures]
    monthly_recurring_revenue: Money
    invoiced_this_month: Money
    collected_this_month: Money
    overdue_total: Money
    total_outstanding: Money
    open_cases: int
    last_billing_run: LastRun | None
