"""Offer catalog API: thin endpoints over app.catalog.service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.deps import OperatorDep, StaffReaderDep
from app.catalog import service
from app.catalog.exceptions import OfferCodeTaken, OfferInUse, OfferNotFound, OfferRetired
from app.catalog.schemas import (
    OfferCategories,
    OfferCategory,
    OfferCategoryGroup,
    OfferCreate,
    OfferRead,
    OfferStatus,
    OfferUpdate,
    ServiceType,
)
from app.db import SessionDep, StreamingSessionDep
from app.errors import error_responses
from app.kit.csv_export import stream_csv
from app.kit.dates import utc_today
from app.kit.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1", tags=["catalog"])


SUCCESSOR_LINK = '</api/v1/offer-categories>; rel="successor-version"'


@router.post(
    "/offers",
    status_code=201,
    operation_id="offers-create",
    summary="Create an offer of one category",
    responses=error_responses(OfferCodeTaken),
)
async def create_offer(payload: OfferCreate, session: SessionDep, _: OperatorDep) -> OfferRead:
    return OfferRead.model_validate(await service.create_offer(session, payload))


OFFER_EXPORT_COLUMNS = [
    "id", "code", "name", "description", "category", "service_type", "status", "monthly_fee", "activation_fee",
    "valid_from", "valid_to", "mobile_data_gb", "mobile_calls_hours", "internet_access_type",
    "internet_fiber_speed_mbps", "internet_adsl_speed_mbps", "internet_landline_included", "internet_tv_included",
    "landline_national_included", "landline_international_hours", "landline_phone_hours", "retired_at",
    "created_at", "updated_at",
]  # fmt: skip


@router.get(
    "/offers/export.csv",
    operation_id="offers-export",
    summary="Export the offers matching the list's filters as CSV (streamed)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "RFC 4180 CSV"}},
)
async def export_offers(
    session: StreamingSessionDep,
    _: StaffReaderDep,
    category: OfferCategory | None = None,
    service_type: ServiceType | None = None,
    status: OfferStatus | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Matches code, name or description.")] = None,
    code: Annotated[str | None, Query(max_length=40, description="Exact offer code, any case.")] = None,
) -> Response:
    statement = service.offers_export_statement(
        category=category, service_type=service_type, status=status, q=q, code=code
    )
    return stream_csv(
        session,
        statement,
        header=OFFER_EXPORT_COLUMNS,
        row=lambda record: [getattr(record[0], column) for column in OFFER_EXPORT_COLUMNS],
        filename="offers.csv",
    )


@router.get("/offers", operation_id="offers-list", summary="List offers (active and retired)")
async def list_offers(
    session: SessionDep,
    page: PageDep,
    _: StaffReaderDep,
    category: OfferCategory | None = None,
    service_type: ServiceType | None = None,
    status: OfferStatus | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Matches code, name or description.")] = None,
    code: Annotated[str | None, Query(max_length=40, description="Exact offer code, any case.")] = None,
) -> Page[OfferRead]:
    rows, total = await service.list_offers(
        session, page, category=category, service_type=service_type, status=status, q=q, code=code
    )
    return Page(items=[OfferRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/offers/{offer_id}", operation_id="offers-get", summary="Get an offer", responses=error_responses(OfferNotFound)
)
async def get_offer(offer_id: uuid.UUID, session: SessionDep, _: StaffReaderDep) -> OfferRead:
    return OfferRead.model_validate(await service.get_offer(session, offer_id))


@router.patch(
    "/offers/{offer_id}",
    operation_id="offers-update",
    summary="Update an active offer (components re-checked against its category)",
    responses=error_responses(OfferNotFound, OfferRetired, OfferInUse, OfferCodeTaken),
)
async def update_offer(offer_id: uuid.UUID, payload: OfferUpdate, session: SessionDep, _: OperatorDep) -> OfferRead:
    return OfferRead.model_validate(await service.update_offer(session, offer_id, payload))


@router.post(
    "/offers/{offer_id}/retire",
    operation_id="offers-retire",
    summary="Retire an offer (offers are never deleted)",
    responses=error_responses(OfferNotFound, OfferRetired),
)
async def retire_offer(offer_id: uuid.UUID, session: SessionDep, _: OperatorDep) -> OfferRead:
    return OfferRead.model_validate(await service.retire_offer(session, offer_id))


async def _grouped(session: SessionDep) -> OfferCategories:
    groups = await service.list_active_offers_grouped(session, utc_today())
    return OfferCategories(
        categories=[OfferCategoryGroup.model_validate(group, from_attributes=True) for group in groups]
    )


@router.get(
    "/offer-categories",
    operation_id="offer-categories-list",
    summary="Offers on sale today, grouped by category (mobile, internet, landline)",
)
async def list_offer_categories(session: SessionDep, _: StaffReaderDep) -> OfferCategories:
    return await _grouped(session)


@router.get(
    "/offer-families",
    operation_id="offer-families-list",
    summary="Deprecated alias of GET /api/v1/offer-categories",
    deprecated=True,
    responses={
        200: {
            "headers": {
                "Deprecation": {"description": "Always `true`.", "schema": {"type": "string"}},
                "Link": {"description": "The successor operation.", "schema": {"type": "string"}},
            }
        }
    },
)
async def list_offer_families(session: SessionDep, _: StaffReaderDep, response: Response) -> OfferCategories:
    response.headers["Deprecation"] = "true"
    response.headers["Link"] = SUCCESSOR_LINK
    return await _grouped(session)
