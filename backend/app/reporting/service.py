"""Dashboard figures and list exports, read through the billing, collections and contracts modules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.models import BillingRun
from app.catalog.models import OFFER_CATEGORIES, Offer
from app.collections import service as collections_service
from app.collections.models import OPEN_CASE_STATUSES, CollectionCase
from app.contracts.models import Contract
from app.customers.models import Client
from app.kit.dates import utc_today

EXPORT_BATCH = 200


async def dashboard(session: AsyncSession) -> dict[str, Any]:
    """The operator's day: live book by category, this month's invoicing and collection, the last run."""
    today = utc_today()
    clients = dict((await session.execute(select(Client.status, func.count()).group_by(Client.status))).all())
    # A live contract bills every month: active ones make the recurring revenue; suspended ones are paused.
    rows = (
        await session.execute(
            select(Offer.category, func.count(), func.coalesce(func.sum(Contract.monthly_fee), 0))
            .join(Offer, Offer.id == Contract.offer_id)
            .where(Contract.status == "active")
            .group_by(Offer.category)
        )
    ).all()
    per_category = {category: (int(count), Decimal(mrr)) for category, count, mrr in rows}
    by_category = [
        {
            "category": category,
            "active_contracts": per_category.get(category, (0, Decimal("0.00")))[0],
            "monthly_recurring_revenue": per_category.get(category, (0, Decimal("0.00")))[1],
        }
        for category in OFFER_CATEGORIES
    ]
    figures = await collections_service.overview(session, as_of=today)
    open_cases = await session.scalar(
        select(func.count()).select_from(CollectionCase).where(CollectionCase.status.in_(OPEN_CASE_STATUSES))
    )
    last_run = await session.scalar(select(BillingRun).order_by(BillingRun.created_at.desc()).limit(1))
    return {
        "as_of": today,
        "active_clients": int(clients.get("active", 0)) + int(clients.get("delinquent", 0)),
        "delinquent_clients": int(clients.get("delinquent", 0)),
        "by_category": by_category,
        "monthly_recurring_revenue": sum((row[1] for row in per_category.values()), Decimal("0.00")),
        "invoiced_this_month": figures["invoiced_in_period"],
        "collected_this_month": figures["payments_collected"]["amount"],
        "overdue_total": figures["overdue_total"],
        "total_outstanding": figures["total_outstanding"],
        "open_cases": int(open_cases or 0),
        "last_billing_run": last_run,
    }
