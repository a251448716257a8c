"""Request and response shapes of the public landing API.

Identity fields reuse the customers module's intake types (CIN, email, contact phone, names), so a
landing client is validated exactly as a client created by staff.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator
from pydantic_core import PydanticCustomError

from app.catalog.schemas import OfferCategory, OfferTerms, ServiceType
from app.customers.schemas import Address, Cin, City, ContactEmail, ContactPhone, PersonName
from app.kit.money import Money
from app.kit.phone import ACCEPTED_FORMATS, InvalidPhoneNumber, NumberKind, normalize_moroccan_number
from app.kit.validation import IsoDate, field_errors

DraftStatus = Literal["open", "submitted"]
LandingLanguage = Literal["fr", "en", "ar"]
VerificationPolicy = Literal["cin_only", "otp"]
OtpChannel = Literal["sms", "email"]
WizardStep = Literal["offer", "identity", "numbering", "start_date", "review"]


def _number_of(kind: NumberKind) -> Any:
    def parse(raw: str) -> str:
        try:
            return normalize_moroccan_number(raw, kind)
        except InvalidPhoneNumber as exc:
            raise PydanticCustomError("phone_format", "{reason}", {"reason": str(exc)}) from exc

    return AfterValidator(parse)


_FORMATS = ", ".join(ACCEPTED_FORMATS)
MobileNumber = Annotated[
    str,
    Field(max_length=30, description=f"Mobile number (6 or 7 after the prefix). Accepted: {_FORMATS}."),
    _number_of("mobile"),
]
LandlineNumber = Annotated[
    str,
    Field(max_length=30, description="Landline number (5 or 8 after the prefix), e.g. 05 22 33 44 55."),
    _number_of("landline"),
]
LookupToken = Annotated[str, Field(min_length=1, max_length=4096, description="Token from verify-cin.")]


def numbering_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """An existing number and a requested new one are two different paths: a wizard answer picks one."""
    if values.get("existing_mobile_local_number") and values.get("requested_mobile_local_number"):
        return [
            (
                "requested_mobile_local_number",
                "give either existing_mobile_local_number (keep your number) or requested_mobile_local_number "
                "(a new number), not both",
            )
        ]
    return []


class _NumberingPaths(BaseModel):
    @model_validator(mode="after")
    def _one_mobile_path(self) -> Any:
        problems = numbering_problems(self.model_dump())
        if problems:
            raise field_errors(type(self).__name__, problems, self.model_dump())
        return self


# --- bootstrap -------------------------------------------------------------------------------------------


class LandingOffer(OfferTerms):
    """An offer as the public sees it: commercial terms and components, nothing internal."""


class LandingOfferCategory(BaseModel):
    category: OfferCategory
    label: str
    numbering: Literal["mobile", "home_landline"] = Field(
        description="Which numbering fields the category uses on submit/new."
    )
    offers: list[LandingOffer]


class NumberFormats(BaseModel):
    canonical_pattern: str
    accepted_examples: list[str]
    mobile_first_digits: list[str]
    landline_first_digits: list[str]
    cin_pattern: str
    cin_help: str


class StartDateWindow(BaseModel):
    earliest: date
    latest: date


class LegalText(BaseModel):
    id: str
    version: str = Field(description="With id and language, identifies the wording the client accepted.")
    language: LandingLanguage
    title: str
    body: str


class AcceptedLegalText(BaseModel):
    """One legal text the client accepted, as bootstrap listed it: the wording is (id, version, language)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    version: str = Field(min_length=1, max_length=32)
    language: LandingLanguage


class LandingBootstrap(BaseModel):
    categories: list[LandingOfferCategory]
    number_formats: NumberFormats
    contract_start_dates: StartDateWindow
    legal_texts: list[LegalText] = Field(description="In the language asked for (`lang`).")
    draft_lifetime_days: int
    lookup_token_minutes: int
    verification: VerificationPolicy = Field(
        description=(
            "The CIN verification policy. `otp`: lookups and a submit/new on an existing client's CIN need a "
            "lookup token verified with the one-time code (verify-cin, then verify-otp)."
        )
    )


# --- drafts ----------------------------------------------------------------------------------------------


class DraftAnswers(_NumberingPaths):
    """What the wizard has collected so far: every field optional, every field sent must be valid."""

    model_config = ConfigDict(extra="forbid")

    current_step: WizardStep | None = None
    cin: Cin | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: ContactEmail | None = None
    phone: ContactPhone | None = None
    address: Address | None = None
    city: City | None = None
    offer_id: uuid.UUID | None = None
    existing_mobile_local_number: MobileNumber | None = None
    requested_mobile_local_number: MobileNumber | None = None
    home_landline_local_number: LandlineNumber | None = None
    contract_start_date: IsoDate | None = None
    terms_accepted: StrictBool | None = None


class DraftWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: DraftAnswers = Field(default_factory=DraftAnswers)


class DraftRead(BaseModel):
    id: uuid.UUID
    status: DraftStatus
    answers: DraftAnswers
    expires_at: datetime
    submitted_at: datetime | None
    contract_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


# --- CIN verification and lookups ------------------------------------------------------------------------


class VerifyCinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cin: Cin


class VerifyCinResponse(BaseModel):
    """The same shape and length class for every well-formed CIN, on file or not: contact fields are never
    null (a CIN with nothing on file gets masked placeholders that look like real ones)."""

    lookup_token: str
    token_type: Literal["landing_lookup"] = "landing_lookup"  # noqa: S105 - a token kind, not a secret
    expires_at: datetime
    expires_in: int = Field(description="Seconds until the token expires.")
    masked_cin: str
    masked_email: str
    masked_phone: str
    verification: VerificationPolicy = Field(
        description="`otp`: the token opens nothing until the code sent to otp_channel is entered (verify-otp)."
    )
    otp_channel: OtpChannel | None = Field(description="Where the one-time code went (otp policy).")


class VerifyOtpRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cin: Cin
    lookup_token: LookupToken
    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6-digit code sent to the contact on file.")


class OfferSummary(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    category: OfferCategory


class LandingSubscription(BaseModel):
    contract_id: uuid.UUID
    contract_number: str
    status: str
    service_type: ServiceType
    offer: OfferSummary
    start_date: date
    end_date: date | None
    monthly_fee: Money
    masked_line_number: str


class LandingSubscriptions(BaseModel):
    items: list[LandingSubscription]
    total: int


class DocumentLink(BaseModel):
    url: str = Field(description="Relative URL streaming the PDF; valid until expires_at.")
    expires_at: datetime


class LandingInvoice(BaseModel):
    invoice_id: uuid.UUID
    invoice_number: str
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    subtotal: Money
    tax_amount: Money
    total: Money
    paid_amount: Money
    outstanding_amount: Money
    currency: str
    status: str
    document: DocumentLink | None = Field(description="Signed PDF link; null while the PDF is being rendered.")


class LandingInvoices(BaseModel):
    items: list[LandingInvoice]
    total: int
    limit: int
    offset: int


class DocumentLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cin: Cin
    lookup_token: LookupToken


# --- submits ---------------------------------------------------------------------------------------------


class NewSubscriptionSubmit(_NumberingPaths):
    """A new subscription: who, which offer, which number, from when."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "cin": "AB123456",
                    "first_name": "Youssef",
                    "last_name": "Alami",
                    "email": "youssef.alami@example.ma",
                    "phone": "06 55 33 44 22",
                    "offer_id": "6f1c2a52-0000-4000-8000-000000000001",
                    "requested_mobile_local_number": "06 61 00 00 01",
                    "contract_start_date": "2026-12-01",
                    "terms_accepted": True,
                }
            ]
        },
    )

    cin: Cin
    first_name: PersonName
    last_name: PersonName
    email: ContactEmail
    phone: ContactPhone
    address: Address | None = None
    city: City | None = None
    offer_id: uuid.UUID
    existing_mobile_local_number: MobileNumber | None = Field(
        default=None, description="Mobile offers: the client keeps this number."
    )
    requested_mobile_local_number: MobileNumber | None = Field(
        default=None, description="Mobile offers: a wished new number; omitted, one is allocated."
    )
    home_landline_local_number: LandlineNumber | None = Field(
        default=None, description="Internet and landline offers: the home landline number (required)."
    )
    contract_start_date: IsoDate
    terms_accepted: StrictBool = Field(
        description="The client accepts the legal texts listed by bootstrap: JSON true, nothing else."
    )
    accepted_legal_texts: list[AcceptedLegalText] | None = Field(
        default=None,
        max_length=16,
        description=(
            "The legal texts the client read and accepted, as bootstrap listed them (id, version, language): "
            "every current text once, all in one language. Kept in the audit log with the contract. A version "
            "that is no longer current is a 409 `legal_text_outdated`: show the texts of a new bootstrap and ask "
            "again. Omitted (callers written before this field), the current versions are recorded with the "
            "language not stated."
        ),
    )
    draft_id: uuid.UUID | None = Field(default=None, description="The wizard draft this submit completes.")
    lookup_token: LookupToken | None = Field(
        default=None,
        description=(
            "Under the `otp` verification policy: a lookup token whose code was entered, required when the CIN "
            "is already a client's (without it the submit is refused like any other refusal)."
        ),
    )

    @model_validator(mode="after")
    def _terms_accepted(self) -> NewSubscriptionSubmit:
        if not self.terms_accepted:
            raise field_errors(
                "NewSubscriptionSubmit", [("terms_accepted", "the terms must be accepted")], self.model_dump()
            )
        return self


class PlanChangeSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cin: Cin
    lookup_token: LookupToken
    contract_id: uuid.UUID = Field(description="The live contract to change (one of the CIN's subscriptions).")
    offer_id: uuid.UUID = Field(description="The new offer.")
    contract_start_date: IsoDate = Field(description="Effective start date of the new contract.")


class MaskedClient(BaseModel):
    masked_cin: str
    masked_email: str | None
    masked_phone: str | None
    reused_existing_client: bool


class ContractSummary(BaseModel):
    contract_id: uuid.UUID
    contract_number: str
    decision: str
    status: str
    service_type: ServiceType
    offer: OfferSummary
    start_date: date
    monthly_fee: Money
    activation_fee: Money
    masked_line_number: str


class NewSubscriptionResult(BaseModel):
    contract: ContractSummary
    client: MaskedClient
    document: DocumentLink | None
    draft_id: uuid.UUID | None


class PlanChangeResult(BaseModel):
    contract: ContractSummary
    replaced_contract_id: uuid.UUID
    replaced_contract_number: str
    replaced_contract_end_date: date | None
    effective_date: date
    document: DocumentLink | None
