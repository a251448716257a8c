"""Request and response shapes of the clients API."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, model_validator
from pydantic_core import PydanticCustomError

from app.customers.exceptions import InvalidClientFilter
from app.kit.identity import CIN_FORMAT_HELP, normalize_cin
from app.kit.phone import ACCEPTED_FORMATS, InvalidPhoneNumber, normalize_moroccan_number
from app.kit.validation import field_errors

ClientKind = Literal["individual", "business"]
ClientStatus = Literal["active", "delinquent", "terminated"]
ClientSort = Literal["name", "-name", "cin", "-cin", "city", "-city", "status", "-status", "created_at", "-created_at"]
# Collections owns `delinquent`: staff can only terminate or (re)activate a client.
EditableClientStatus = Literal["active", "terminated"]

_ICE = re.compile(r"^[0-9]{15}$")


def _cin(raw: str) -> str:
    try:
        return normalize_cin(raw)
    except ValueError as exc:
        raise PydanticCustomError("cin_format", "CIN must be {help}", {"help": CIN_FORMAT_HELP}) from exc


def _ice(raw: str) -> str:
    ice = re.sub(r"\s", "", raw)
    if not _ICE.match(ice):
        raise PydanticCustomError("ice_format", "ICE is exactly 15 digits")
    return ice


def _contact_phone(raw: str) -> str:
    # A contact phone may be a mobile or a landline number: any family is accepted.
    try:
        return normalize_moroccan_number(raw, "any")
    except InvalidPhoneNumber as exc:
        raise PydanticCustomError("phone_format", "{reason}", {"reason": str(exc)}) from exc


def _refuse_delinquent(value: Any) -> Any:
    if value == "delinquent":
        raise PydanticCustomError("status_managed_by_collections", "delinquent is set by collections, not by an update")
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Cin = Annotated[
    str,
    BeforeValidator(_strip),
    Field(min_length=1, max_length=20, description=f"National ID (CIN): {CIN_FORMAT_HELP}; stored upper-case."),
    AfterValidator(_cin),
]
Ice = Annotated[str, Field(max_length=20, description="Company identifier (ICE): 15 digits."), AfterValidator(_ice)]
ContactEmail = Annotated[EmailStr, Field(max_length=254), AfterValidator(str.lower)]
ContactPhone = Annotated[
    str,
    Field(
        max_length=30,
        description="Moroccan number, stored as +212 and nine digits. Accepted: " + ", ".join(ACCEPTED_FORMATS),
    ),
    AfterValidator(_contact_phone),
]
PersonName = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=100)]
CompanyName = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=200)]
Address = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=500)]
City = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=100)]

NAME_FIELDS = ("first_name", "last_name", "company_name", "ice")


def identity_problems(
    kind: str,
    first_name: str | None,
    last_name: str | None,
    company_name: str | None,
    ice: str | None,
) -> list[tuple[str, str]]:
    """What a client of `kind` is missing or must not carry: a person has names, a business a company and ICE.

    A business may keep a contact person's names; an ICE or a company name on a person is refused, since it
    would silently describe somebody else.
    """
    problems: list[tuple[str, str]] = []
    if kind == "individual":
        if not first_name:
            problems.append(("first_name", "first_name is required for an individual client"))
        if not last_name:
            problems.append(("last_name", "last_name is required for an individual client"))
        if company_name is not None:
            problems.append(("company_name", "company_name is only for business clients"))
        if ice is not None:
            problems.append(("ice", "ice is only for business clients"))
    else:
        if not company_name:
            problems.append(("company_name", "company_name is required for a business client"))
        if not ice:
            problems.append(("ice", "ice (15 digits) is required for a business client"))
    return problems


class ClientCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "individual",
                    "cin": "AB123456",
                    "first_name": "Youssef",
                    "last_name": "Alami",
                    "email": "youssef.alami@example.ma",
                    "phone": "06 55 33 44 22",
                    "address": "12 rue Atlas",
                    "city": "Rabat",
                }
            ]
        },
    )

    kind: ClientKind = "individual"
    cin: Cin
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    company_name: CompanyName | None = None
    ice: Ice | None = None
    email: ContactEmail | None = None
    phone: ContactPhone | None = None
    address: Address | None = None
    city: City | None = None

    @model_validator(mode="after")
    def _names_match_kind(self) -> ClientCreate:
        problems = identity_problems(self.kind, self.first_name, self.last_name, self.company_name, self.ice)
        if problems:
            raise field_errors("ClientCreate", problems, self.model_dump())
        return self


class ClientUpdate(BaseModel):
    """Only the fields sent are changed; `null` clears an optional field. Checked again as a whole."""

    model_config = ConfigDict(extra="forbid")

    kind: ClientKind | None = None
    cin: Cin | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    company_name: CompanyName | None = None
    ice: Ice | None = None
    email: ContactEmail | None = None
    phone: ContactPhone | None = None
    address: Address | None = None
    city: City | None = None
    status: Annotated[EditableClientStatus | None, BeforeValidator(_refuse_delinquent)] = Field(
        default=None, description="active or terminated; delinquent is set by collections only."
    )

    @model_validator(mode="after")
    def _required_fields_are_not_cleared(self) -> ClientUpdate:
        cleared = [
            (name, f"{name} cannot be null")
            for name in ("kind", "cin", "status")
            if name in self.model_fields_set and getattr(self, name) is None
        ]
        if cleared:
            raise field_errors("ClientUpdate", cleared, {})
        return self


class ClientFilters(BaseModel):
    """Exact-match list filters, normalised like the stored values; a malformed one is a 422 on its query field."""

    cin: str | None = None
    email: str | None = None
    phone: str | None = None

    @classmethod
    def from_query(cls, *, cin: str | None, email: str | None, phone: str | None) -> ClientFilters:
        problems: list[tuple[str, str, str]] = []
        normalized_cin = normalized_phone = None
        if cin is not None:
            try:
                normalized_cin = normalize_cin(cin)
            except ValueError as exc:
                problems.append(("cin", str(exc), "cin_format"))
        if phone is not None:
            try:
                normalized_phone = normalize_moroccan_number(phone, "any")
            except InvalidPhoneNumber as exc:
                problems.append(("phone", str(exc), "phone_format"))
        if problems:
            raise InvalidClientFilter(problems)
        normalized_email = email.strip().lower() if email is not None else None
        return cls(cin=normalized_cin, email=normalized_email, phone=normalized_phone)


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: ClientKind
    cin: str
    display_name: str
    first_name: str | None
    last_name: str | None
    company_name: str | None
    ice: str | None
    email: str | None
    phone: str | None
    address: str | None
    city: str | None
    status: ClientStatus
    anonymised_at: datetime | None = Field(
        default=None, description="Set when the personal data were replaced by placeholders (law 09-08)."
    )
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    updated_by: str | None
