from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field

# Exact event types (`payment.recorded`) or every type of a family (`collection_action.*`).
EVENT_TYPE_PATTERN = re.compile(r"^[a-z_]+\.([a-z_]+|\*)$")
SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


def _event_type(value: str) -> str:
    if not EVENT_TYPE_PATTERN.match(value):
        raise ValueError("an event type is `family.name` or `family.*` (e.g. payment.recorded)")
    return value


def _secret(value: str) -> str:
    if not value.startswith(SECRET_PREFIX):
        raise ValueError("the secret is `whsec_` followed by base64 (Standard Webhooks)")
    try:
        key = base64.b64decode(value[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the secret is `whsec_` followed by base64 (Standard Webhooks)") from exc
    if not 24 <= len(key) <= 64:
        raise ValueError("the secret's key is 24 to 64 bytes")
    return value


EventType = Annotated[str, Field(max_length=80), AfterValidator(_event_type)]
WebhookSecret = Annotated[str, Field(max_length=200), AfterValidator(_secret)]


class WebhookEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[AnyHttpUrl, Field(max_length=2000)]
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=50)]
    description: Annotated[str | None, Field(max_length=200)] = None
    secret: WebhookSecret | None = Field(
        default=None, description="`whsec_` + base64 of 24-64 bytes; generated when omitted, shown only once."
    )


class WebhookEndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[AnyHttpUrl, Field(max_length=2000)] | None = None
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=50)] | None = None
    description: Annotated[str | None, Field(max_length=200)] = None
    is_active: bool | None = None


class WebhookEndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpointRead):
    secret: str = Field(description="The signing secret; this is the only answer that shows it.")


class WebhookDeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_response: str | None = Field(description="The start of the endpoint's last answer body.")
    last_error: str | None = Field(description="Why the last attempt got no answer (timeout, refused...).")
    delivered_at: datetime | None
    created_at: datetime
