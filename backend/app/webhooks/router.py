"""Webhooks API (admin): register endpoints, watch deliveries (status, attempts, last answer), redeliver."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.auth.deps import AdminDep, AdminOrAuditorDep
from app.db import SessionDep
from app.errors import error_responses
from app.kit.pagination import Page, PageDep
from app.webhooks import service
from app.webhooks.exceptions import WebhookDeliveryNotFound, WebhookEndpointNotFound
from app.webhooks.schemas import (
    DeliveryStatus,
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointRead,
    WebhookEndpointUpdate,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@router.post(
    "/endpoints",
    status_code=201,
    operation_id="webhook-endpoints-create",
    summary="Register a webhook endpoint (admin); the answer shows its signing secret once",
    description=(
        "Outbox events of the subscribed types (`payment.recorded`, `collection_case.*`, ...) are POSTed to "
        "the URL as `{type, timestamp, data}`, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, "
        "`webhook-signature`: v1 HMAC-SHA256 with the secret), at least once, retried with exponential back-off."
    ),
)
async def create_endpoint(payload: WebhookEndpointCreate, session: SessionDep, _: AdminDep) -> WebhookEndpointCreated:
    endpoint, secret = await service.create_endpoint(session, payload)
    return WebhookEndpointCreated(**WebhookEndpointRead.model_validate(endpoint).model_dump(), secret=secret)


@router.get("/endpoints", operation_id="webhook-endpoints-list", summary="List webhook endpoints (admin, auditor)")
async def list_endpoints(session: SessionDep, page: PageDep, _: AdminOrAuditorDep) -> Page[WebhookEndpointRead]:
    rows, total = await service.list_endpoints(session, page)
    items = [WebhookEndpointRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/endpoints/{endpoint_id}",
    operation_id="webhook-endpoints-get",
    summary="Get a webhook endpoint (admin, auditor)",
    responses=error_responses(WebhookEndpointNotFound),
)
async def get_endpoint(endpoint_id: uuid.UUID, session: SessionDep, _: AdminOrAuditorDep) -> WebhookEndpointRead:
    return WebhookEndpointRead.model_validate(await service.get_endpoint(session, endpoint_id))


@router.patch(
    "/endpoints/{endpoint_id}",
    operation_id="webhook-endpoints-update",
    summary="Change a webhook endpoint's URL, event types or description, or pause it (admin)",
    responses=error_responses(WebhookEndpointNotFound),
)
async def update_endpoint(
    endpoint_id: uuid.UUID, payload: WebhookEndpointUpdate, session: SessionDep, _: AdminDep
) -> WebhookEndpointRead:
    return WebhookEndpointRead.model_validate(await service.update_endpoint(session, endpoint_id, payload))


@router.get(
    "/deliveries",
    operation_id="webhook-deliveries-list",
    summary="Deliveries, newest first: status, attempts, last answer (admin, auditor)",
)
async def list_deliveries(
    session: SessionDep,
    page: PageDep,
    _: AdminOrAuditorDep,
    endpoint_id: uuid.UUID | None = None,
    status: DeliveryStatus | None = None,
) -> Page[WebhookDeliveryRead]:
    rows, total = await service.list_deliveries(session, page, endpoint_id=endpoint_id, status=status)
    items = [WebhookDeliveryRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/deliveries/{delivery_id}",
    operation_id="webhook-deliveries-get",
    summary="Get a delivery (admin, auditor)",
    responses=error_responses(WebhookDeliveryNotFound),
)
async def get_delivery(delivery_id: uuid.UUID, session: SessionDep, _: AdminOrAuditorDep) -> WebhookDeliveryRead:
    return WebhookDeliveryRead.model_validate(await service.get_delivery(session, delivery_id))


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    operation_id="webhook-deliveries-redeliver",
    summary="Send a delivery again (dead-lettered or lost by the receiver), due now, attempts reset (admin)",
    responses=error_responses(WebhookDeliveryNotFound),
)
async def redeliver(delivery_id: uuid.UUID, session: SessionDep, _: AdminDep) -> WebhookDeliveryRead:
    return WebhookDeliveryRead.model_validate(await service.redeliver(session, delivery_id))
