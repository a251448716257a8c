"""Request and response shapes of the offer catalog API (spec 5.1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, model_validator

from app.catalog.components import component_problems, validity_problems
from app.kit.money import NonNegativeMoney, PositiveMoney
from app.kit.validation import IsoDate, field_errors

OfferCategory = Literal["mobile", "internet", "landline"]
ServiceType = Literal["mobile", "fiber", "adsl", "landline"]
OfferStatus = Literal["active", "retired"]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _upper_code(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


OfferCode = Annotated[
    str,
    BeforeValidator(_upper_code),
    Field(
        min_length=2,
        max_length=40,
        pattern=r"^[A-Z0-9][A-Z0-9._-]*$",
        description="Unique business code; stored upper-case (letters, digits, '.', '_', '-').",
        examples=["MOB-20GB"],
    ),
]
OfferName = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=120)]
Description = Annotated[str, BeforeValidator(_strip), Field(max_length=2000)]
# Allowances are positive: a component that is present gives something; leave it out otherwise.
Allowance = Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2)]
# Strict integers: 1.5, "2" and true are refused, never truncated or coerced (spec: hour fields are integers).
Hours = Annotated[StrictInt, Field(gt=0, le=100_000)]
SpeedMbps = Annotated[StrictInt, Field(gt=0, le=100_000)]


class OfferComponents(BaseModel):
    """Every component field of every category; only the offer's own category may carry values."""

    mobile_data_gb: Allowance | None = Field(default=None, description="Mobile: data allowance in GB.")
    mobile_calls_hours: Allowance | None = Field(default=None, description="Mobile: call hours.")
    internet_access_type: Literal["fiber", "adsl"] | None = Field(
        default=None, description="Internet: exactly fiber or adsl; decides service_type."
    )
    internet_fiber_speed_mbps: SpeedMbps | None = Field(default=None, description="Internet (fiber): speed.")
    internet_adsl_speed_mbps: SpeedMbps | None = Field(default=None, description="Internet (adsl): speed.")
    internet_landline_included: StrictBool | None = Field(
        default=None, description="Internet: mandatory, always true (a home landline comes with the access)."
    )
    internet_tv_included: StrictBool | None = Field(default=None, description="Internet: optional TV.")
    landline_national_included: StrictBool | None = Field(default=None, description="Landline: national calls.")
    landline_international_hours: Hours | None = Field(default=None, description="Landline: international hours.")
    landline_phone_hours: Hours | None = Field(default=None, description="Landline: phone hours.")


class OfferCreate(OfferComponents):
    """An offer of one category with that category's components; service_type is derived, never sent."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "FIB-100",
                    "name": "Fibre 100",
                    "category": "internet",
                    "monthly_fee": "299.00",
                    "activation_fee": "0.00",
                    "valid_from": "2026-01-01",
                    "internet_access_type": "fiber",
                    "internet_fiber_speed_mbps": 100,
                    "internet_landline_included": True,
                    "internet_tv_included": False,
                }
            ]
        },
    )

    code: OfferCode
    name: OfferName
    description: Description | None = None
    category: OfferCategory
    monthly_fee: PositiveMoney = Field(description="Monthly fee in MAD, strictly positive.")
    activation_fee: NonNegativeMoney = Field(description="One-off activation ('other fees') in MAD, zero or more.")
    valid_from: IsoDate
    valid_to: IsoDate | None = Field(default=None, description="Optional end of sale; after valid_from.")

    @model_validator(mode="after")
    def _components_match_category(self) -> OfferCreate:
        values = self.model_dump()
        problems = component_problems(self.category, values) + validity_problems(self.valid_from, self.valid_to)
        if problems:
            raise field_errors("OfferCreate", problems, values)
        return self


class OfferUpdate(OfferComponents):
    """Only the fields sent change (`null` clears a component); the result is re-checked as a whole."""

    model_config = ConfigDict(extra="forbid")

    name: OfferName | None = None
    description: Description | None = None
    monthly_fee: PositiveMoney | None = None
    activation_fee: NonNegativeMoney | None = None
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None

    @model_validator(mode="after")
    def _required_fields_are_not_cleared(self) -> OfferUpdate:
        cleared = [
            (name, f"{name} cannot be null")
            for name in ("name", "monthly_fee", "activation_fee", "valid_from")
            if name in self.model_fields_set and getattr(self, name) is None
        ]
        if cleared:
            raise field_errors("OfferUpdate", cleared, {})
        return self


class OfferTerms(BaseModel):
    """An offer's commercial terms and components: what anyone may see, the public landing included."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    description: str | None
    category: OfferCategory
    service_type: ServiceType
    monthly_fee: PositiveMoney
    activation_fee: NonNegativeMoney
    valid_to: date | None
    mobile_data_gb: Decimal | None
    mobile_calls_hours: Decimal | None
    internet_access_type: Literal["fiber", "adsl"] | None
    internet_fiber_speed_mbps: int | None
    internet_adsl_speed_mbps: int | None
    internet_landline_included: bool | None
    internet_tv_included: bool | None
    landline_national_included: bool | None
    landline_international_hours: int | None
    landline_phone_hours: int | None


class OfferRead(OfferTerms):
    valid_from: date
    status: OfferStatus
    retired_at: datetime | None
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    updated_by: str | None


class OfferCategoryGroup(BaseModel):
    category: OfferCategory
    label: str
    offers: list[OfferRead]


class OfferCategories(BaseModel):
    """Offers on sale today, grouped by category: always mobile, internet, landline in that order."""

    categories: list[OfferCategoryGroup]
