"""The invoice list's filters and sort, read once from the query and handed whole to the service, shared by
the list and its CSV export so both select the same rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, Query

from app.billing.schemas import InvoiceStatus, ServiceCategory
from app.kit.money import NonNegativeMoney
from app.kit.validation import IsoDate

InvoiceSort = Literal[
    "invoice_number",
    "-invoice_number",
    "issue_date",
    "-issue_date",
    "due_date",
    "-due_date",
    "period_start",
    "-period_start",
    "total",
    "-total",
    "outstanding_amount",
    "-outstanding_amount",
    "status",
    "-status",
]


@dataclass(frozen=True)
class InvoiceFilters:
    client_id: uuid.UUID | None
    service: ServiceCategory | None
    offer_id: uuid.UUID | None
    status: InvoiceStatus | None
    run_id: uuid.UUID | None
    period_start: date | None
    period_end: date | None
    invoice_number: str | None
    total_min: Decimal | None
    total_max: Decimal | None
    sort: InvoiceSort | None


def invoice_filters(
    client_id: uuid.UUID | None = None,
    service_category: Annotated[
        ServiceCategory | None,
        Query(alias="service", description="Invoices with at least one line of this service."),
    ] = None,
    offer_id: Annotated[uuid.UUID | None, Query(description="Invoices with at least one line of this offer.")] = None,
    status: InvoiceStatus | None = None,
    run_id: Annotated[uuid.UUID | None, Query(description="Invoices of one billing run.")] = None,
    period_start: Annotated[
        IsoDate | None, Query(description="Invoices whose period ends on or after this date.")
    ] = None,
    period_end: Annotated[
        IsoDate | None, Query(description="Invoices whose period starts on or before this date.")
    ] = None,
    invoice_number: Annotated[str | None, Query(max_length=20)] = None,
    total_min: Annotated[NonNegativeMoney | None, Query(description="Invoices totalling at least this.")] = None,
    total_max: Annotated[NonNegativeMoney | None, Query(description="Invoices totalling at most this.")] = None,
    sort: Annotated[
        InvoiceSort | None,
        Query(description="Column to sort by, `-` first for descending; newest first when absent."),
    ] = None,
) -> InvoiceFilters:
    return InvoiceFilters(
        client_id=client_id,
        service=service_category,
        offer_id=offer_id,
        status=status,
        run_id=run_id,
        period_start=period_start,
        period_end=period_end,
        invoice_number=invoice_number,
        total_min=total_min,
        total_max=total_max,
        sort=sort,
    )


InvoiceFiltersDep = Annotated[InvoiceFilters, Depends(invoice_filters)]
