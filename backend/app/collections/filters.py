"""The case list's filters and sort, read once from the query and handed whole to the service, shared by the
list and its CSV export so both select the same rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, Query

from app.collections.schemas import AgingBucket, CaseStatus
from app.kit.money import NonNegativeMoney

CaseSort = Literal[
    "days_past_due",
    "-days_past_due",
    "total_overdue",
    "-total_overdue",
    "opened_on",
    "-opened_on",
    "status",
    "-status",
]


@dataclass(frozen=True)
class CaseFilters:
    status: CaseStatus | None
    aging_bucket: AgingBucket | None
    client_id: uuid.UUID | None
    overdue_min: Decimal | None
    overdue_max: Decimal | None
    sort: CaseSort | None


def case_filters(
    status: CaseStatus | None = None,
    aging_bucket: AgingBucket | None = None,
    client_id: uuid.UUID | None = None,
    overdue_min: Annotated[NonNegativeMoney | None, Query(description="Cases owing at least this overdue.")] = None,
    overdue_max: Annotated[NonNegativeMoney | None, Query(description="Cases owing at most this overdue.")] = None,
    sort: Annotated[
        CaseSort | None, Query(description="Column to sort by, `-` first for descending; most overdue first if absent.")
    ] = None,
) -> CaseFilters:
    return CaseFilters(
        status=status,
        aging_bucket=aging_bucket,
        client_id=client_id,
        overdue_min=overdue_min,
        overdue_max=overdue_max,
        sort=sort,
    )


CaseFiltersDep = Annotated[CaseFilters, Depends(case_filters)]
