"""Technical line operations (admin): a line without a contract, a number or technology change, termination."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.contracts.common import subscriber_summary
from app.contracts.exceptions import (
    ClientTerminated,
    InvalidStatusTransition,
    ServiceTypeIncompatible,
    SubscriberHasLiveContract,
)
from app.contracts.lifecycle import not_in_future
from app.contracts.lines import live_contract_of, open_line, save_line_change, subscriber_for_update
from app.contracts.models import Subscriber
from app.contracts.numbering import reserve_number
from app.contracts.reads import get_subscriber
from app.contracts.schemas import (
    SubscriberCreate,
    SubscriberUpdate,
)
from app.customers import service as customers_service
from app.errors import BusinessValidationError
from app.kit.dates import utc_today
from app.kit.locks import lock_client
from app.kit.phone import InvalidPhoneNumber, NumberKind, normalize_moroccan_number


def _number_for_line(raw: str, service_type: str, field: str) -> str:
    kind: NumberKind = "mobile" if service_type == "mobile" else "landline"
    try:
        return normalize_moroccan_number(raw, kind)
    except InvalidPhoneNumber as exc:
        raise BusinessValidationError(["body", field], f"A {service_type} line takes a {kind} number: {exc}") from exc


async def create_subscriber(session: AsyncSession, payload: SubscriberCreate) -> Subscriber:
    """Create a line by hand (technical operation), under the same number rules as provisioning."""
    await lock_client(session, payload.client_id)
    client = await customers_service.get_client(session, payload.client_id)
    if client.status == "terminated":
        raise ClientTerminated()
    number = _number_for_line(payload.phone_number, payload.service_type, "phone_number")
    await reserve_number(session, number)
    return await open_line(session, client.id, payload.service_type, number, payload.activated_on or utc_today())


async def _line_for_change(session: AsyncSession, subscriber_id: uuid.UUID) -> Subscriber:
    line = await get_subscriber(session, subscriber_id)
    await lock_client(session, line.client_id)
    return await subscriber_for_update(session, subscriber_id)


async def update_subscriber(session: AsyncSession, subscriber_id: uuid.UUID, payload: SubscriberUpdate) -> Subscriber:
    """Change a line's number or access technology (technical operation)."""
    line = await _line_for_change(session, subscriber_id)
    if line.status == "terminated":
        raise InvalidStatusTransition("A terminated line cannot be changed.")
    service_type = payload.service_type or line.service_type
    live = await live_contract_of(session, line.id)
    if live is not None and service_type != live.service_type:
        raise ServiceTypeIncompatible(
            f"The line's contract {live.contract_number} is for {live.service_type}; change the plan instead.",
            "service_type",
        )
    number_field = "phone_number" if payload.phone_number is not None else "service_type"
    number = _number_for_line(payload.phone_number or line.phone_number, service_type, number_field)
    if (number, service_type) == (line.phone_number, line.service_type):
        return line  # nothing changes: no write, no audit record
    if number != line.phone_number:
        await reserve_number(session, number)
    before = subscriber_summary(line)
    line.phone_number = number
    line.service_type = service_type
    await save_line_change(session, line, "subscriber.updated", before)
    return line


async def terminate_subscriber(
    session: AsyncSession, subscriber_id: uuid.UUID, effective_date: date | None = None
) -> Subscriber:
    """End a line that has no live contract (technical operation); its number is freed."""
    line = await _line_for_change(session, subscriber_id)
    if line.status == "terminated":
        raise InvalidStatusTransition("This line is already terminated.")
    if await live_contract_of(session, line.id) is not None:
        raise SubscriberHasLiveContract()
    last_day = effective_date or utc_today()
    not_in_future(last_day)
    # Same bound as a contract's last day: at the earliest the day before the line started (an empty line).
    if last_day < line.activated_on - timedelta(days=1):
        raise BusinessValidationError(
            ["body", "effective_date"],
            f"The line started on {line.activated_on.isoformat()}; its last day cannot be earlier than the day before.",
        )
    before = subscriber_summary(line)
    line.status = "terminated"
    line.terminated_on = last_day
    await save_line_change(session, line, "subscriber.terminated", before)
    return line
