"""Contracts and subscribers: request and answer shapes (the provisioning ones are the public service API)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.catalog.schemas import OfferCategory, ServiceType  # categories and service types are the catalogue's
from app.kit.money import Money
from app.kit.phone import ACCEPTED_FORMATS, InvalidPhoneNumber, NumberKind, normalize_moroccan_number
from app.kit.validation import IsoDate

ServiceCategory = OfferCategory
LineStatus = Literal["active", "suspended", "terminated"]
ProvisioningIntent = Literal["auto", "new_line", "change_plan"]
ProvisioningDecision = Literal["created", "upgraded", "downgraded"]


def _normaliser(kind: NumberKind) -> AfterValidator:
    def normalise(raw: str) -> str:
        try:
            return normalize_moroccan_number(raw, kind)
        except InvalidPhoneNumber as exc:
            raise ValueError(str(exc)) from exc

    return AfterValidator(normalise)


_NUMBER_DESCRIPTION = (
    f"Moroccan number in any accepted format ({', '.join(ACCEPTED_FORMATS)}); stored as +212XXXXXXXXX."
)
MobileNumber = Annotated[
    str,
    Field(min_length=9, max_length=32, description=f"Mobile (6/7). {_NUMBER_DESCRIPTION}"),
    _normaliser("mobile"),
]
LandlineNumber = Annotated[
    str,
    Field(min_length=9, max_length=32, description=f"Landline (5/8). {_NUMBER_DESCRIPTION}"),
    _normaliser("landline"),
]
AnyNumber = Annotated[str, Field(min_length=9, max_length=32, description=_NUMBER_DESCRIPTION), _normaliser("any")]


class ContractProvisionRequest(BaseModel):
    """What an operator (or the landing journey) asks for: the backend decides new line or plan change."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    offer_id: uuid.UUID
    contract_start_date: IsoDate = Field(description="First day of service of the new contract.")
    intent: ProvisioningIntent = Field(
        default="auto",
        description="auto: the backend decides; new_line: always a new line; change_plan: never a new line.",
    )
    target_contract_id: uuid.UUID | None = Field(
        default=None, description="Change plan on this contract (the client's, active, compatible)."
    )
    existing_mobile_local_number: MobileNumber | None = Field(
        default=None, description="Mobile offers: the number the client brings or already has with us."
    )
    requested_mobile_local_number: MobileNumber | None = Field(
        default=None, description="Mobile offers: a specific new number; without it a free one is allocated."
    )
    home_landline_local_number: LandlineNumber | None = Field(
        default=None, description="Internet and landline offers: the home landline (required for a new line)."
    )


class SubscriberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: uuid.UUID
    service_type: ServiceType
    phone_number: str
    status: LineStatus
    activated_on: date
    terminated_on: date | None
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    updated_by: str | None


class ContractRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    contract_number: str
    client_id: uuid.UUID
    client_name: str | None = Field(
        default=None, description="The client's display name, in the contract list and detail (from the clients)."
    )
    offer_id: uuid.UUID
    subscriber_id: uuid.UUID
    phone_number: str = Field(description="The canonical number of the contract's line.")
    service_type: ServiceType
    status: LineStatus
    decision: ProvisioningDecision
    start_date: date
    end_date: date | None = Field(description="Last day of service (inclusive); null while open-ended.")
    replaced_contract_id: uuid.UUID | None
    monthly_fee: Money
    activation_fee: Money
    activation_fee_pending: bool
    terminated_at: datetime | None
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    updated_by: str | None


class ProvisioningResult(BaseModel):
    """The decision taken, the contract written, its line, and the contract it replaced (plan change)."""

    decision: ProvisioningDecision
    contract: ContractRead
    subscriber: SubscriberRead
    replaced_contract: ContractRead | None


class LifecycleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_date: IsoDate = Field(
        description="Suspend: first suspended day. Resume: first day of service again. "
        "Terminate: last day of service. Never in the future."
    )


class ContractSuspensionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    contract_id: uuid.UUID
    suspended_from: date = Field(description="First suspended day (inclusive).")
    resumed_on: date | None = Field(description="First day of service again (exclusive end); null while open.")
    created_at: datetime
    created_by: str | None


class SubscriberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    service_type: ServiceType
    phone_number: AnyNumber = Field(description="Mobile number for mobile lines, landline number otherwise.")
    activated_on: IsoDate | None = Field(default=None, description="Defaults to today.")


class SubscriberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone_number: AnyNumber | None = None
    service_type: ServiceType | None = Field(
        default=None,
        description="A line with a live contract keeps its contract's service type (change the plan instead); "
        "a family change (mobile <-> landline numbers) needs a number of the new family.",
    )


class SubscriberTerminateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_date: IsoDate | None = Field(default=None, description="Last day of the line; defaults to today.")


def contract_read(contract: Any, phone_number: str) -> ContractRead:
    """ContractRead from the ORM row and its line's number."""
    return ContractRead.model_validate({**_columns(contract), "phone_number": phone_number})


# Fields the contracts row does not hold: the line's number (subscribers) and the client's name (clients).
_NOT_COLUMNS = frozenset({"phone_number", "client_name"})


def _columns(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ContractRead.model_fields if name not in _NOT_COLUMNS}
