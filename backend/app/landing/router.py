"""Public landing API (spec 5.3): no staff login; lookup and document tokens, masking, rate limits."""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response

from app.config import Settings, get_settings
from app.contracts.billed_periods import PeriodAlreadyBilled
from app.contracts.exceptions import (
    ClientTerminated,
    ContractNotActive,
    NumberPoolExhausted,
    NumberUnavailable,
    OfferAlreadySubscribed,
    OfferNotAvailable,
    ServiceTypeIncompatible,
)
from app.db import SessionDep
from app.errors import BusinessValidationError, envelope, error_responses
from app.kit.dates import utc_today
from app.kit.idempotency import IdempotencyKeyDep, run_idempotent
from app.kit.identity import CIN_FORMAT_HELP, normalize_cin
from app.kit.pagination import PageDep
from app.kit.ratelimit import limiter, rate_limit
from app.landing import service, tokens
from app.landing.exceptions import (
    CinVerificationLocked,
    DocumentNotAvailable,
    DocumentTokenMismatch,
    DraftAlreadySubmitted,
    DraftExpired,
    DraftNotFound,
    InvalidDocumentToken,
    InvalidLookupToken,
    InvalidOneTimeCode,
    LandingCinLimit,
    LandingContractNotFound,
    LandingInvoiceNotFound,
    LegalTextOutdated,
    OneTimeCodeRequired,
    SubscriptionRefused,
)
from app.landing.schemas import (
    DocumentLink,
    DocumentLinkRequest,
    DraftRead,
    DraftWrite,
    LandingBootstrap,
    LandingInvoices,
    LandingLanguage,
    LandingSubscriptions,
    NewSubscriptionResult,
    NewSubscriptionSubmit,
    PlanChangeResult,
    PlanChangeSubmit,
    VerifyCinRequest,
    VerifyCinResponse,
    VerifyOtpRequest,
)


async def _public_caller() -> None:
    """Landing routes run without a staff token: the caller is the `landing` actor."""
    service.act_as_landing()


router = APIRouter(
    prefix=service.API_PREFIX,
    tags=["landing"],
    dependencies=[
        Depends(_public_caller),
        Depends(rate_limit("landing", lambda settings: settings.landing_rate_limit)),
    ],
)

SettingsDep = Annotated[Settings, Depends(get_settings)]
_VERIFY_CIN_LIMIT = Depends(rate_limit("landing-verify-cin", lambda settings: settings.landing_verify_cin_rate_limit))
_SUBMIT_LIMIT = Depends(rate_limit("landing-submit", lambda settings: settings.landing_submit_rate_limit))

LookupTokenQuery = Annotated[
    str | None, Query(max_length=4096, description="Lookup token from verify-cin, for this CIN.")
]
DocumentTokenQuery = Annotated[str | None, Query(max_length=4096, description="Token of the signed document link.")]
CinPath = Annotated[str, Path(max_length=20, description=f"The client's CIN: {CIN_FORMAT_HELP}.")]

_PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}, "description": "PDF"}


def _cin_from_path(raw: str) -> str:
    try:
        return normalize_cin(raw)
    except ValueError as exc:
        raise BusinessValidationError(["path", "cin"], f"CIN must be {CIN_FORMAT_HELP}.") from exc


async def _verify_cin_padding(settings: SettingsDep) -> AsyncIterator[None]:
    """Answer verify-cin no sooner than `landing_verify_cin_min_seconds`, known CIN or not.

    Entered before the request's session and left after it, so the wait happens once the session has
    committed and given its connection back: padded requests cannot tie up the database pool.
    """
    started = time.monotonic()
    yield
    remaining = settings.landing_verify_cin_min_seconds - (time.monotonic() - started)
    if remaining > 0:
        await asyncio.sleep(remaining)


def _lookup_token(token: str | None) -> str:
    if not token:
        raise InvalidLookupToken()
    return token


def _pdf(document: service.StoredDocument) -> Response:
    return Response(
        content=document.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            # The link carries a token: neither caches nor the next page's Referer may keep it.
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


LanguageQuery = Annotated[
    LandingLanguage,
    Query(description="Language of the legal texts: `fr` (default), `en` or `ar`; any other value is a 422."),
]


@router.get(
    "/bootstrap",
    operation_id="landing-bootstrap",
    summary="Offers on sale by category, number formats, start-date window, verification policy and legal texts",
)
async def get_bootstrap(
    session: SessionDep, settings: SettingsDep, response: Response, lang: LanguageQuery = "fr"
) -> LandingBootstrap:
    # The answer is `no-store` like every landing answer (middleware), so no cache can hand one language's
    # texts to another; the header only tells the reader which language it got.
    response.headers["Content-Language"] = lang
    return await service.bootstrap(session, settings, utc_today(), lang)


@router.post(
    "/drafts",
    status_code=201,
    operation_id="landing-drafts-create",
    summary="Save the wizard's first answers; the draft id is the only key to it",
    responses=error_responses(OfferNotAvailable),
)
async def create_draft(body: DraftWrite, session: SessionDep, settings: SettingsDep) -> DraftRead:
    return await service.create_draft(session, settings, body.answers, utc_today())


@router.get(
    "/drafts/{draft_id}",
    operation_id="landing-drafts-get",
    summary="Resume a draft",
    responses=error_responses(DraftNotFound, DraftExpired),
)
async def get_draft(draft_id: uuid.UUID, session: SessionDep) -> DraftRead:
    return await service.get_draft(session, draft_id)


@router.put(
    "/drafts/{draft_id}",
    operation_id="landing-drafts-update",
    summary="Replace a draft's answers (incomplete is fine, invalid is refused)",
    responses=error_responses(DraftNotFound, DraftAlreadySubmitted, DraftExpired, OfferNotAvailable),
)
async def update_draft(draft_id: uuid.UUID, body: DraftWrite, session: SessionDep, settings: SettingsDep) -> DraftRead:
    return await service.update_draft(session, settings, draft_id, body.answers, utc_today())


@functools.lru_cache(maxsize=8)
def _locked_out_for(customer_service: str) -> type[CinVerificationLocked]:
    class Locked(CinVerificationLocked):
        message = (
            f"Too many verifications for this CIN: retry after the delay in Retry-After, or contact {customer_service}."
        )

    return Locked


def _locked_out(settings: Settings) -> type[CinVerificationLocked]:
    """The per-CIN refusal, which tells a locked-out client where to go instead."""
    return _locked_out_for(settings.operator_customer_service)


@router.post(
    "/clients/verify-cin",
    operation_id="landing-verify-cin",
    summary="Prove a CIN: a short-lived lookup token and masked contacts (same answer shape for any CIN)",
    description=(
        "Under the `otp` verification policy the contact on file also receives a 6-digit code (10 minutes, "
        "5 tries) that verify-otp exchanges for a verified lookup token."
    ),
    # The padding is listed before the session (an endpoint parameter), so it is left after the commit.
    dependencies=[_VERIFY_CIN_LIMIT, Depends(_verify_cin_padding, scope="function")],
    responses=error_responses(CinVerificationLocked),
)
async def verify_cin(body: VerifyCinRequest, session: SessionDep, settings: SettingsDep) -> VerifyCinResponse:
    await limiter.hit(
        settings.landing_verify_cin_per_cin_rate_limit,
        "landing-verify-cin-per-cin",
        tokens.cin_digest(settings, body.cin),
        error=_locked_out(settings),
    )
    return await service.verify_cin(session, settings, body.cin)


@router.post(
    "/clients/verify-otp",
    operation_id="landing-verify-otp",
    response_model=VerifyCinResponse,
    summary="Exchange the one-time code sent by verify-cin for a verified lookup token (otp policy)",
    dependencies=[_VERIFY_CIN_LIMIT],
    responses=error_responses(InvalidLookupToken, InvalidOneTimeCode),
)
async def verify_otp(body: VerifyOtpRequest, session: SessionDep, settings: SettingsDep) -> Response:
    verified = await service.verify_otp(session, settings, body.cin, body.lookup_token, body.code)
    if verified is None:
        # Answered rather than raised: the spent try must be committed, not rolled back with an exception.
        error = InvalidOneTimeCode()
        return envelope(error.status_code, error.code, error.message)
    return JSONResponse(verified.model_dump(mode="json"))


@router.get(
    "/clients/{cin}/subscriptions",
    operation_id="landing-subscriptions-list",
    summary="The CIN's live subscriptions (lookup token required)",
    responses=error_responses(InvalidLookupToken, OneTimeCodeRequired),
)
async def list_subscriptions(
    cin: CinPath, session: SessionDep, settings: SettingsDep, lookup_token: LookupTokenQuery = None
) -> LandingSubscriptions:
    return await service.list_subscriptions(session, settings, _cin_from_path(cin), _lookup_token(lookup_token))


@router.get(
    "/clients/{cin}/invoices",
    operation_id="landing-invoices-list",
    summary="The CIN's invoices with signed PDF links (lookup token required)",
    responses=error_responses(InvalidLookupToken, OneTimeCodeRequired),
)
async def list_invoices(
    cin: CinPath, session: SessionDep, settings: SettingsDep, page: PageDep, lookup_token: LookupTokenQuery = None
) -> LandingInvoices:
    return await service.list_invoices(session, settings, _cin_from_path(cin), _lookup_token(lookup_token), page)


@router.post(
    "/submit/new",
    status_code=201,
    operation_id="landing-submit-new",
    summary="Subscribe: create or reuse the client by CIN and provision a new line",
    dependencies=[_SUBMIT_LIMIT],
    response_model=NewSubscriptionResult,
    responses=error_responses(
        DraftNotFound,
        DraftExpired,
        DraftAlreadySubmitted,
        SubscriptionRefused,
        LegalTextOutdated,
        LandingCinLimit,
        NumberUnavailable,
        NumberPoolExhausted,
        OfferNotAvailable,
        ServiceTypeIncompatible,
    ),
)
async def submit_new(
    body: NewSubscriptionSubmit, session: SessionDep, settings: SettingsDep, idempotency_key: IdempotencyKeyDep
) -> JSONResponse:
    async def handler() -> NewSubscriptionResult:
        return await service.submit_new(session, settings, body, utc_today())

    return await run_idempotent(
        session,
        operation="landing-submit-new",
        key=idempotency_key,
        payload=service.submit_new_fingerprint(body),
        status_code=201,
        handler=handler,
        # Every public caller is the `landing` actor: keys are scoped by the CIN too, so two people who pick
        # the same key never see each other's answer.
        caller_scope=tokens.cin_digest(settings, body.cin),
    )


@router.post(
    "/submit/plan-change",
    status_code=201,
    operation_id="landing-submit-plan-change",
    summary="Change the plan of one of the CIN's contracts from contract_start_date (lookup token required)",
    dependencies=[_SUBMIT_LIMIT],
    response_model=PlanChangeResult,
    responses=error_responses(
        InvalidLookupToken,
        OneTimeCodeRequired,
        LandingContractNotFound,
        ContractNotActive,
        OfferAlreadySubscribed,
        ClientTerminated,
        PeriodAlreadyBilled,
        OfferNotAvailable,
        ServiceTypeIncompatible,
    ),
)
async def submit_plan_change(
    body: PlanChangeSubmit, session: SessionDep, settings: SettingsDep, idempotency_key: IdempotencyKeyDep
) -> JSONResponse:
    # Checked before the idempotency store too: a stored answer is replayed only to a holder of a valid token.
    tokens.verify_lookup_token(settings, body.lookup_token, body.cin)

    async def handler() -> PlanChangeResult:
        return await service.submit_plan_change(session, settings, body, utc_today())

    return await run_idempotent(
        session,
        operation="landing-submit-plan-change",
        key=idempotency_key,
        payload=service.plan_change_fingerprint(body),
        status_code=201,
        handler=handler,
        caller_scope=tokens.cin_digest(settings, body.cin),
    )


@router.post(
    "/contracts/{contract_id}/document-link",
    operation_id="landing-contract-document-link",
    summary="A signed link (15 minutes) to the contract PDF, for a contract of the CIN",
    responses=error_responses(InvalidLookupToken, OneTimeCodeRequired, LandingContractNotFound, DocumentNotAvailable),
)
async def contract_document_link(
    contract_id: uuid.UUID, body: DocumentLinkRequest, session: SessionDep, settings: SettingsDep
) -> DocumentLink:
    return await service.contract_document_link(session, settings, contract_id, body.cin, body.lookup_token)


@router.get(
    "/contracts/{contract_id}/document",
    operation_id="landing-contract-document",
    summary="Stream the contract PDF a signed link opens",
    response_class=Response,
    responses={
        200: _PDF,
        **error_responses(InvalidDocumentToken, DocumentTokenMismatch, DocumentNotAvailable),
    },
)
async def contract_document(
    contract_id: uuid.UUID, session: SessionDep, settings: SettingsDep, token: DocumentTokenQuery = None
) -> Response:
    if not token:
        raise InvalidDocumentToken()
    return _pdf(await service.contract_document(session, settings, contract_id, token))


@router.get(
    "/invoices/{invoice_id}/document",
    operation_id="landing-invoice-document",
    summary="Stream the invoice PDF a signed link opens",
    response_class=Response,
    responses={
        200: _PDF,
        **error_responses(InvalidDocumentToken, DocumentTokenMismatch, LandingInvoiceNotFound, DocumentNotAvailable),
    },
)
async def invoice_document(
    invoice_id: uuid.UUID, session: SessionDep, settings: SettingsDep, token: DocumentTokenQuery = None
) -> Response:
    if not token:
        raise InvalidDocumentToken()
    return _pdf(await service.invoice_document(session, settings, invoice_id, token))
