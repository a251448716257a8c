"""Webhook endpoints, and the dispatcher that delivers the outbox to them at least once.

The dispatcher runs in two steps, each in its own committed transaction:
1. fan-out: every undelivered outbox event (claimed with SKIP LOCKED, so several workers share the work)
   becomes one pending delivery per active endpoint subscribed to its type, and the event is marked as
   handed over, in the same transaction; an event no endpoint subscribes to is handed over to nobody.
2. delivery: one due delivery at a time is locked (SKIP LOCKED), POSTed signed per Standard Webhooks
   (`webhook-id` = the event id, stable across retries so receivers can deduplicate; `webhook-timestamp`;
   `webhook-signature` v1 HMAC-SHA256), and its outcome recorded. A 2xx answer delivers it; anything else
   (or no answer) schedules the next attempt with exponential back-off, and after
   `webhook_max_attempts` attempts the delivery is dead-lettered until an admin redelivers it.
A crash between the receiver's 2xx and the commit leaves the delivery pending: it is sent again, which
is what "at least once" means, and why the id is stable.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks.webhooks import Webhook

from app.collections import outbox
from app.config import Settings, get_settings
from app.db import database
from app.kit.audit import record_audit
from app.kit.pagination import PageParams, fetch_page
from app.webhooks.exceptions import WebhookDeliveryNotFound, WebhookEndpointNotFound
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.webhooks.schemas import (
    SECRET_PREFIX,
    DeliveryStatus,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
)

logger = logging.getLogger(__name__)

RESPONSE_KEPT_CHARS = 1000


# --- endpoints (admin API) -------------------------------------------------------------------------


def _summary(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {"url": endpoint.url, "event_types": list(endpoint.event_types), "is_active": endpoint.is_active}


async def create_endpoint(session: AsyncSession, payload: WebhookEndpointCreate) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; its row and its secret (generated when not given), shown in this answer only."""
    secret = payload.secret or SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    endpoint = WebhookEndpoint(
        url=str(payload.url),
        event_types=list(dict.fromkeys(payload.event_types)),
        description=payload.description,
        secret=secret,
        is_active=True,
    )
    session.add(endpoint)
    await session.flush()
    await session.refresh(endpoint)
    await record_audit(
        session,
        action="webhook_endpoint.created",
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        after=_summary(endpoint),
    )
    return endpoint, secret


async def get_endpoint(session: AsyncSession, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise WebhookEndpointNotFound()
    return endpoint


async def list_endpoints(session: AsyncSession, page: PageParams) -> tuple[list[WebhookEndpoint], int]:
    stmt = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    return await fetch_page(session, stmt, page)


async def update_endpoint(
    session: AsyncSession, endpoint_id: uuid.UUID, payload: WebhookEndpointUpdate
) -> WebhookEndpoint:
    """Change the URL, the event types, the description or pause/resume (is_active) an endpoint."""
    endpoint = await get_endpoint(session, endpoint_id)
    before = _summary(endpoint)
    changes = payload.model_dump(exclude_unset=True)
    if "url" in changes and payload.url is not None:
        endpoint.url = str(payload.url)
    if payload.event_types is not None:
        endpoint.event_types = list(dict.fromkeys(payload.event_types))
    if "description" in changes:
        endpoint.description = payload.description
    if payload.is_active is not None:
        endpoint.is_active = payload.is_active
    await session.flush()
    await session.refresh(endpoint)
    await record_audit(
        session,
        action="webhook_endpoint.updated",
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        before=before,
        after=_summary(endpoint),
    )
    return endpoint


def _deliveries(endpoint_id: uuid.UUID | None, status: DeliveryStatus | None) -> Select[WebhookDelivery]:
    stmt = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
    if endpoint_id is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status.value)
    return stmt


async def list_deliveries(
    session: AsyncSession, page: PageParams, *, endpoint_id: uuid.UUID | None, status: DeliveryStatus | None
) -> tuple[list[WebhookDelivery], int]:
    return await fetch_page(session, _deliveries(endpoint_id, status), page)


async def get_delivery(session: AsyncSession, delivery_id: uuid.UUID) -> WebhookDelivery:
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise WebhookDeliveryNotFound()
    return delivery


async def redeliver(session: AsyncSession, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Put a delivery (dead-lettered, or delivered and lost by the receiver) back in the queue, due now."""
    delivery = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update())
    if delivery is None:
        raise WebhookDeliveryNotFound()
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = datetime.now(UTC)
    delivery.delivered_at = None
    await session.flush()
    await session.refresh(delivery)
    await record_audit(
        session,
        action="webhook_delivery.redelivered",
        entity_type="webhook_delivery",
        entity_id=delivery.id,
        before=before,
        after={"status": delivery.status, "attempts": delivery.attempts},
    )
    return delivery


# --- the dispatcher --------------------------------------------------------------------------------


def subscribes(event_types: list[str], event_type: str) -> bool:
    family = event_type.split(".", 1)[0]
    return event_type in event_types or f"{family}.*" in event_types


def next_delay(settings: Settings, attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: base, 2 x base, 4 x base..., capped."""
    seconds = settings.webhook_retry_base_seconds * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.webhook_retry_max_seconds))


async def fan_out(session: AsyncSession, *, limit: int = 500) -> int:
    """Turn undelivered outbox events into pending deliveries; the number of deliveries created."""
    events = await outbox.claim_undelivered(session, limit=limit)
    if not events:
        return 0
    endpoints = list(await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True))))
    created = 0
    for event in events:
        for endpoint in endpoints:
            if subscribes(endpoint.event_types, event.type):
                session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id=event.id, event_type=event.type))
                created += 1
    await session.flush()
    await outbox.mark_delivered(session, [event.id for event in events])
    return created


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    response: str | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_request(endpoint: WebhookEndpoint, event: Any, now: datetime) -> tuple[str, dict[str, str]]:
    """The body and headers of one delivery, signed per Standard Webhooks."""
    body = json.dumps(
        {"type": event.type, "timestamp": event.created_at.isoformat(), "data": event.payload},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    message_id = str(event.id)
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(message_id, now, body),
    }
    return body, headers


async def _post(http: httpx.AsyncClient, endpoint: WebhookEndpoint, event: Any) -> Attempt:
    body, headers = signed_request(endpoint, event, datetime.now(UTC))
    try:
        response = await http.post(endpoint.url, content=body.encode(), headers=headers)
    except httpx.HTTPError as exc:
        return Attempt(None, None, f"{type(exc).__name__}: {exc}"[:RESPONSE_KEPT_CHARS])
    return Attempt(response.status_code, response.text[:RESPONSE_KEPT_CHARS], None)


async def deliver_one(http: httpx.AsyncClient, settings: Settings) -> WebhookDelivery | None:
    """Send the oldest due delivery in its own transaction; None when nothing is due."""
    async with database.sessionmaker() as session, session.begin():
        due = await session.scalar(
            select(WebhookDelivery)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING.value,
                WebhookDelivery.next_attempt_at <= func.now(),
                WebhookEndpoint.is_active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(1)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
        if due is None:
            return None
        endpoint = await session.get_one(WebhookEndpoint, due.endpoint_id)
        event = await outbox.get_event(session, due.event_id)
        attempt = await _post(http, endpoint, event)
        now = datetime.now(UTC)
        due.attempts += 1
        due.last_attempt_at = now
        due.last_status_code = attempt.status_code
        due.last_response = attempt.response
        due.last_error = attempt.error
        if attempt.succeeded:
            due.status = DeliveryStatus.DELIVERED.value
            due.delivered_at = now
        elif due.attempts >= settings.webhook_max_attempts:
            due.status = DeliveryStatus.DEAD.value
            logger.warning("webhook delivery %s dead-lettered after %d attempts", due.id, due.attempts)
        else:
            due.next_attempt_at = now + next_delay(settings, due.attempts)
        await session.flush()
        return due


@dataclass(frozen=True)
class DispatchSummary:
    fanned_out: int
    attempted: int
    delivered: int


async def dispatch(*, max_deliveries: int = 200, transport: httpx.AsyncBaseTransport | None = None) -> DispatchSummary:
    """One dispatcher round: fan the outbox out, then send what is due (at most `max_deliveries`)."""
    settings = get_settings()
    async with database.sessionmaker() as session, session.begin():
        fanned_out = await fan_out(session)
    attempted = delivered = 0
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout, transport=transport, follow_redirects=False) as http:
        while attempted < max_deliveries:
            delivery = await deliver_one(http, settings)
            if delivery is None:
                break
            attempted += 1
            delivered += delivery.status == DeliveryStatus.DELIVERED.value
    if fanned_out or attempted:
        logger.info("webhooks: %d deliveries created, %d attempted, %d delivered", fanned_out, attempted, delivered)
    return DispatchSummary(fanned_out, attempted, delivered)
