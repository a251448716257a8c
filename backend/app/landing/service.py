"""The public landing journeys: wizard drafts, CIN verification, self-service reads and submits.

Landing owns intake (formats, the start-date window, drafts, tokens, masking) and nothing else: clients
are created by the customers module, contracts are provisioned by the contracts module, invoices come
from billing, each through its service.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import string
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Text, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service as billing_service
from app.billing.exceptions import InvoicePdfNotReady, InvoicePdfUnavailable
from app.catalog import service as catalog_service
from app.catalog.exceptions import OfferNotFound
from app.catalog.models import Offer
from app.collections import outbox
from app.config import Settings
from app.contracts import service as contracts_service
from app.contracts.exceptions import ClientTerminated, ContractDocumentNotFound, ContractNotFound, OfferNotAvailable
from app.contracts.schemas import ContractProvisionRequest, ContractRead, ProvisioningResult
from app.customers import service as customers_service
from app.customers.models import Client
from app.customers.schemas import ClientCreate
from app.errors import AppError, BusinessValidationError, NotFound
from app.kit.audit import record_audit
from app.kit.correlation import Actor, actor_var
from app.kit.identity import CIN_FORMAT_HELP, CIN_PATTERN
from app.kit.locks import LockNamespace, lock
from app.kit.masking import mask_cin, mask_email, mask_phone
from app.kit.pagination import PageParams
from app.kit.phone import ACCEPTED_FORMATS
from app.landing import tokens
from app.landing.exceptions import (
    DocumentNotAvailable,
    DocumentTokenMismatch,
    DraftAlreadySubmitted,
    DraftExpired,
    DraftNotFound,
    LandingCinLimit,
    LandingContractNotFound,
    LandingInvoiceNotFound,
    SubscriptionRefused,
)
from app.landing.legal import acceptance_record, legal_texts
from app.landing.models import LandingDraft, LandingLineSubmission, LandingOtpChallenge
from app.landing.schemas import (
    ContractSummary,
    DocumentLink,
    DraftAnswers,
    DraftRead,
    LandingBootstrap,
    LandingInvoice,
    LandingInvoices,
    LandingLanguage,
    LandingOffer,
    LandingOfferCategory,
    LandingSubscription,
    LandingSubscriptions,
    MaskedClient,
    NewSubscriptionResult,
    NewSubscriptionSubmit,
    NumberFormats,
    OfferSummary,
    OtpChannel,
    PlanChangeResult,
    PlanChangeSubmit,
    StartDateWindow,
    VerifyCinResponse,
)

logger = logging.getLogger(__name__)

LANDING_SUBJECT = "landing"
API_PREFIX = "/api/v1/landing"
# The numbering fields each category uses on submit/new (the contracts module enforces the same paths).
_NUMBERING = {"mobile": "mobile", "internet": "home_landline", "landline": "home_landline"}
_MOBILE_NUMBER_FIELDS = ("existing_mobile_local_number", "requested_mobile_local_number")


def act_as_landing(cin: str | None = None) -> None:
    """Make the public caller the actor of audit records and `created_by`: `landing` or `landing:<masked CIN>`."""
    subject = LANDING_SUBJECT if cin is None else f"{LANDING_SUBJECT}:{mask_cin(cin)}"
    actor_var.set(Actor(subject, frozenset({"landing"})))


# --- bootstrap -------------------------------------------------------------------------------------------


def start_date_window(settings: Settings, today: date) -> StartDateWindow:
    return StartDateWindow(earliest=today, latest=today + timedelta(days=settings.landing_max_start_days_ahead))


async def bootstrap(
    session: AsyncSession, settings: Settings, today: date, language: LandingLanguage
) -> LandingBootstrap:
    """Everything the wizard needs in one answer: offers on sale today, formats, dates, the verification policy
    and the legal texts in `language`."""
    groups = await catalog_service.list_active_offers_grouped(session, today)
    return LandingBootstrap(
        categories=[
            LandingOfferCategory(
                category=group.category,
                label=group.label,
                numbering=_NUMBERING[group.category],
                offers=[LandingOffer.model_validate(offer) for offer in group.offers],
            )
            for group in groups
        ],
        number_formats=NumberFormats(
            canonical_pattern=r"^\+212[5-8][0-9]{8}$",
            accepted_examples=list(ACCEPTED_FORMATS),
            mobile_first_digits=["6", "7"],
            landline_first_digits=["5", "8"],
            cin_pattern=CIN_PATTERN.pattern,
            cin_help=CIN_FORMAT_HELP,
        ),
        contract_start_dates=start_date_window(settings, today),
        legal_texts=legal_texts(language),
        draft_lifetime_days=settings.landing_draft_days,
        lookup_token_minutes=settings.landing_lookup_token_minutes,
        verification=settings.landing_verification,
    )


# --- intake rules shared by drafts and submits -----------------------------------------------------------


def check_start_date(settings: Settings, on: date, today: date, loc: list[str | int]) -> None:
    """A contract starts today at the earliest and `landing_max_start_days_ahead` days ahead at the latest."""
    window = start_date_window(settings, today)
    if on < window.earliest:
        raise BusinessValidationError(loc, "contract_start_date cannot be in the past.", type_="date_in_past")
    if on > window.latest:
        raise BusinessValidationError(
            loc,
            f"contract_start_date is at most {settings.landing_max_start_days_ahead} days ahead "
            f"(latest {window.latest.isoformat()}).",
            type_="date_too_far",
        )


async def offer_on_sale(session: AsyncSession, offer_id: uuid.UUID, on: date, loc: list[str | int]) -> Offer:
    """The offer, when it exists and is on sale on `on`; otherwise a 422 naming the field."""
    try:
        offer = await catalog_service.get_offer(session, offer_id)
    except OfferNotFound as exc:
        raise OfferNotAvailable("No offer has this id.", loc) from exc
    if not catalog_service.is_offer_available(offer, on):
        raise OfferNotAvailable(
            f"Offer {offer.code} is not on sale on {on.isoformat()} (retired or outside its validity).", loc
        )
    return offer


async def _check_draft_answers(session: AsyncSession, settings: Settings, answers: DraftAnswers, today: date) -> None:
    """The cross-field checks a partial answer can already fail (formats were checked by the schema)."""
    loc: list[str | int] = ["body", "answers"]
    if answers.contract_start_date is not None:
        check_start_date(settings, answers.contract_start_date, today, [*loc, "contract_start_date"])
    if answers.offer_id is None:
        return
    offer = await offer_on_sale(session, answers.offer_id, answers.contract_start_date or today, [*loc, "offer_id"])
    if _NUMBERING[offer.category] == "mobile":
        if answers.home_landline_local_number is not None:
            raise BusinessValidationError(
                [*loc, "home_landline_local_number"], "A mobile offer takes a mobile number, not a home landline."
            )
        return
    for name in _MOBILE_NUMBER_FIELDS:
        if getattr(answers, name) is not None:
            raise BusinessValidationError([*loc, name], "A mobile number applies only to mobile offers.")


# --- drafts ----------------------------------------------------------------------------------------------


def _draft_read(draft: LandingDraft) -> DraftRead:
    return DraftRead(
        id=draft.id,
        status=draft.status,
        answers=DraftAnswers.model_validate(draft.answers),
        expires_at=draft.expires_at,
        submitted_at=draft.submitted_at,
        contract_id=draft.contract_id,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
    )


# The answers of a draft that identify or reach a person (law 09-08): removed when its client is anonymised.
_PERSONAL_ANSWERS = (
    "cin",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "city",
    "existing_mobile_local_number",
    "requested_mobile_local_number",
    "home_landline_local_number",
)


async def erase_drafts_of_cin(session: AsyncSession, cin: str) -> int:
    """Remove the personal answers of every draft that carries this CIN; the number of drafts changed."""
    result = await session.execute(
        update(LandingDraft)
        .where(LandingDraft.answers["cin"].astext == cin)
        .values(answers=LandingDraft.answers.op("-")(cast(list(_PERSONAL_ANSWERS), ARRAY(Text))))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_expired_drafts(session: AsyncSession) -> int:
    """Delete drafts past their expiry: unsubmitted answers hold personal data nobody asked us to keep."""
    result = await session.execute(delete(LandingDraft).where(LandingDraft.expires_at <= datetime.now(UTC)))
    return int(getattr(result, "rowcount", 0) or 0)


async def create_draft(session: AsyncSession, settings: Settings, answers: DraftAnswers, today: date) -> DraftRead:
    """Save the wizard's first answers under a new random id; expired drafts are purged on the way."""
    await _check_draft_answers(session, settings, answers, today)
    purged = await purge_expired_drafts(session)
    if purged:
        logger.info("purged %d expired landing drafts", purged)
    now = datetime.now(UTC)
    draft = LandingDraft(
        status="open",
        answers=answers.model_dump(mode="json", exclude_none=True),
        expires_at=now + timedelta(days=settings.landing_draft_days),
        created_by=LANDING_SUBJECT,
        updated_by=LANDING_SUBJECT,
    )
    session.add(draft)
    await session.flush()
    await session.refresh(draft)
    # The id is the only key to the answers (personal data): it is never logged.
    logger.info("landing draft created")
    return _draft_read(draft)


async def _live_draft(session: AsyncSession, draft_id: uuid.UUID, *, for_update: bool = False) -> LandingDraft:
    stmt = select(LandingDraft).where(LandingDraft.id == draft_id)
    if for_update:
        stmt = stmt.with_for_update()
    draft = await session.scalar(stmt.execution_options(populate_existing=True))
    if draft is None:
        raise DraftNotFound()
    if draft.expires_at <= datetime.now(UTC):
        raise DraftExpired()
    return draft


async def get_draft(session: AsyncSession, draft_id: uuid.UUID) -> DraftRead:
    """The draft's answers, until it expires (410 `draft_expired`)."""
    return _draft_read(await _live_draft(session, draft_id))


async def update_draft(
    session: AsyncSession, settings: Settings, draft_id: uuid.UUID, answers: DraftAnswers, today: date
) -> DraftRead:
    """Replace the draft's answers (the wizard sends all it has); a submitted draft is closed."""
    draft = await _open_draft(session, draft_id, for_update=True)
    await _check_draft_answers(session, settings, answers, today)
    draft.answers = answers.model_dump(mode="json", exclude_none=True)
    draft.updated_by = LANDING_SUBJECT
    await session.flush()
    await session.refresh(draft)
    return _draft_read(draft)


async def _open_draft(session: AsyncSession, draft_id: uuid.UUID, *, for_update: bool = False) -> LandingDraft:
    draft = await _live_draft(session, draft_id, for_update=for_update)
    if draft.status != "open":
        raise DraftAlreadySubmitted()
    return draft


async def _close_draft(session: AsyncSession, draft_id: uuid.UUID, contract_id: uuid.UUID) -> None:
    draft = await _open_draft(session, draft_id, for_update=True)
    draft.status = "submitted"
    draft.submitted_at = datetime.now(UTC)
    draft.contract_id = contract_id
    # The contract now holds what is needed; the draft keeps no personal data.
    draft.answers = {}
    await session.flush()


# --- CIN verification and lookups ------------------------------------------------------------------------


# Placeholders for a CIN with no contact on file look like real masked contacts: the answer's shape, values
# and length class are the same for every CIN, on file or not.
_PLACEHOLDER_DOMAINS = ("gmail.com", "outlook.com", "yahoo.fr", "hotmail.com", "menara.ma")


def _placeholder(settings: Settings, cin: str, purpose: str) -> int:
    secret = settings.landing_token_secret.get_secret_value().encode()
    return int.from_bytes(hmac.new(secret, f"placeholder\x1f{purpose}\x1f{cin}".encode(), hashlib.sha256).digest())


def _masked_contacts(settings: Settings, cin: str, client: Client | None) -> tuple[str, str]:
    """The masked email and phone on file, or stable placeholders derived from the CIN's keyed digest."""
    if client is not None and client.email:
        email = mask_email(client.email)
    else:
        n = _placeholder(settings, cin, "email")
        email = f"{string.ascii_lowercase[n % 26]}***@{_PLACEHOLDER_DOMAINS[(n // 26) % len(_PLACEHOLDER_DOMAINS)]}"
    if client is not None and client.phone:
        phone = mask_phone(client.phone)
    else:
        n = _placeholder(settings, cin, "phone")
        phone = f"+212 {6 + n % 2}** ** ** {(n // 2) % 100:02d}"
    return email, phone


def _otp_channel(settings: Settings, cin: str, client: Client | None) -> OtpChannel:
    if client is not None and (client.phone or client.email):
        return "sms" if client.phone else "email"
    return "sms" if _placeholder(settings, cin, "channel") % 4 else "email"


def _otp_hash(settings: Settings, challenge_id: uuid.UUID, code: str) -> str:
    secret = settings.landing_token_secret.get_secret_value().encode()
    return hmac.new(secret, f"otp\x1f{challenge_id}\x1f{code}".encode(), hashlib.sha256).hexdigest()


async def _send_one_time_code(
    session: AsyncSession, settings: Settings, cin: str, client: Client, channel: str
) -> None:
    """A 6-digit code to the contact on file, through the outbox; only its keyed hash is stored."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge = LandingOtpChallenge(
        id=uuid.uuid4(),
        cin_digest=tokens.cin_digest(settings, cin),
        code_hash="",
        channel=channel,
        attempts_left=settings.landing_otp_attempts,
        expires_at=datetime.now(UTC) + timedelta(minutes=settings.landing_otp_minutes),
    )
    challenge.code_hash = _otp_hash(settings, challenge.id, code)
    session.add(challenge)
    await session.flush()
    await outbox.publish(
        session,
        "landing.otp_requested",
        {
            "client_id": client.id,
            "channel": channel,
            "to": client.phone if channel == "sms" else client.email,
            "code": code,
            "expires_at": challenge.expires_at,
            "message": f"MT Telecom: your code is {code}. It expires in {settings.landing_otp_minutes} minutes.",
        },
    )
    if settings.environment in ("local", "test"):
        # The development mailbox: no gateway consumes the outbox on a developer's machine.
        logger.info("development one-time code for CIN %s: %s (%s)", mask_cin(cin), code, channel)


async def verify_cin(session: AsyncSession, settings: Settings, cin: str) -> VerifyCinResponse:
    """A lookup token for any well-formed CIN, with masked contacts (real or placeholders).

    An unknown CIN gets the same answer shape, values of the same kind and length, and a token that finds
    nothing; the router pads the answer time (`landing_verify_cin_min_seconds`) so timing does not tell
    either. Under the `otp` policy a known CIN's contact on file also receives a one-time code.
    """
    client = await customers_service.get_client_by_cin(session, cin)
    otp = settings.landing_verification == "otp"
    channel = _otp_channel(settings, cin, client) if otp else None
    if otp and client is not None and channel is not None and (client.phone or client.email):
        await _send_one_time_code(session, settings, cin, client, channel)
    issued = tokens.issue_lookup_token(settings, cin)
    email, phone = _masked_contacts(settings, cin, client)
    answer = VerifyCinResponse(
        lookup_token=issued.token,
        expires_at=issued.expires_at,
        expires_in=issued.expires_in,
        masked_cin=mask_cin(cin),
        masked_email=email,
        masked_phone=phone,
        verification=settings.landing_verification,
        otp_channel=channel,
    )
    logger.info("landing lookup token issued for CIN %s", mask_cin(cin))
    return answer


async def verify_otp(
    session: AsyncSession, settings: Settings, cin: str, lookup_token: str, code: str
) -> VerifyCinResponse | None:
    """A verified lookup token when `code` is the CIN's latest live code; None (a try spent) otherwise.

    Returns instead of raising on a wrong code so the spent try is committed with the request."""
    tokens.verify_lookup_token(settings, lookup_token, cin, require_otp=False)
    challenge = await session.scalar(
        select(LandingOtpChallenge)
        .where(
            LandingOtpChallenge.cin_digest == tokens.cin_digest(settings, cin),
            LandingOtpChallenge.verified_at.is_(None),
        )
        .order_by(LandingOtpChallenge.created_at.desc(), LandingOtpChallenge.id.desc())
        .limit(1)
        .with_for_update()
    )
    now = datetime.now(UTC)
    if challenge is None or challenge.expires_at <= now or challenge.attempts_left <= 0:
        return None
    if not hmac.compare_digest(challenge.code_hash, _otp_hash(settings, challenge.id, code)):
        challenge.attempts_left -= 1
        await session.flush()
        logger.info("wrong one-time code for CIN %s (%d tries left)", mask_cin(cin), challenge.attempts_left)
        return None
    challenge.verified_at = now
    await session.flush()
    client = await customers_service.get_client_by_cin(session, cin)
    issued = tokens.issue_lookup_token(settings, cin, otp_verified=True)
    email, phone = _masked_contacts(settings, cin, client)
    return VerifyCinResponse(
        lookup_token=issued.token,
        expires_at=issued.expires_at,
        expires_in=issued.expires_in,
        masked_cin=mask_cin(cin),
        masked_email=email,
        masked_phone=phone,
        verification=settings.landing_verification,
        otp_channel=challenge.channel,
    )


async def _client_for_token(session: AsyncSession, settings: Settings, cin: str, token: str) -> Client | None:
    tokens.verify_lookup_token(settings, token, cin)
    return await customers_service.get_client_by_cin(session, cin)


async def _offer_summary(session: AsyncSession, offer_id: uuid.UUID) -> OfferSummary:
    offer = await catalog_service.get_offer(session, offer_id)
    return OfferSummary(id=offer.id, code=offer.code, name=offer.name, category=offer.category)


async def list_subscriptions(
    session: AsyncSession, settings: Settings, cin: str, lookup_token: str
) -> LandingSubscriptions:
    """The live contracts of the CIN's client (none for an unknown CIN), numbers masked."""
    client = await _client_for_token(session, settings, cin, lookup_token)
    if client is None:
        return LandingSubscriptions(items=[], total=0)
    items = []
    for contract in await contracts_service.list_client_contracts(session, client.id, live_only=True):
        view = await contracts_service.describe_contract(session, contract)
        items.append(
            LandingSubscription(
                contract_id=view.id,
                contract_number=view.contract_number,
                status=view.status,
                service_type=view.service_type,
                offer=await _offer_summary(session, view.offer_id),
                start_date=view.start_date,
                end_date=view.end_date,
                monthly_fee=view.monthly_fee,
                masked_line_number=mask_phone(view.phone_number),
            )
        )
    return LandingSubscriptions(items=items, total=len(items))


def _document_url(path: str, token: str) -> str:
    return f"{API_PREFIX}{path}?token={token}"


def invoice_document_link(settings: Settings, invoice_id: uuid.UUID) -> DocumentLink:
    issued = tokens.issue_document_token(settings, tokens.TokenType.INVOICE_DOCUMENT, invoice_id)
    return DocumentLink(
        url=_document_url(f"/invoices/{invoice_id}/document", issued.token), expires_at=issued.expires_at
    )


async def list_invoices(
    session: AsyncSession, settings: Settings, cin: str, lookup_token: str, page: PageParams
) -> LandingInvoices:
    """The CIN's issued invoices, newest first, each with a signed PDF link once the PDF exists."""
    client = await _client_for_token(session, settings, cin, lookup_token)
    if client is None:
        return LandingInvoices(items=[], total=0, limit=page.limit, offset=page.offset)
    invoices, total = await billing_service.list_client_invoices(
        session, client.id, limit=page.limit, offset=page.offset
    )
    items = [
        LandingInvoice(
            invoice_id=invoice.id,
            invoice_number=invoice.invoice_number,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            subtotal=invoice.subtotal,
            tax_amount=invoice.tax_amount,
            total=invoice.total,
            paid_amount=invoice.paid_amount,
            outstanding_amount=invoice.outstanding_amount,
            currency=invoice.currency,
            status=invoice.status,
            document=invoice_document_link(settings, invoice.id) if invoice.pdf_sha256 else None,
        )
        for invoice in invoices
    ]
    return LandingInvoices(items=items, total=total, limit=page.limit, offset=page.offset)


# --- documents -------------------------------------------------------------------------------------------


async def contract_document_link(
    session: AsyncSession, settings: Settings, contract_id: uuid.UUID, cin: str, lookup_token: str
) -> DocumentLink:
    """A signed link to the contract's PDF, for a contract of the CIN's client (others: 404)."""
    client = await _client_for_token(session, settings, cin, lookup_token)
    await _owned_contract(session, client, contract_id)
    return await _contract_document_link(session, settings, contract_id)


async def _contract_document_link(session: AsyncSession, settings: Settings, contract_id: uuid.UUID) -> DocumentLink:
    try:
        document = await contracts_service.get_contract_document(session, contract_id)
    except ContractDocumentNotFound as exc:
        raise DocumentNotAvailable() from exc
    issued = tokens.issue_document_token(settings, tokens.TokenType.CONTRACT_DOCUMENT, document.id)
    return DocumentLink(
        url=_document_url(f"/contracts/{contract_id}/document", issued.token), expires_at=issued.expires_at
    )


@dataclass(frozen=True)
class StoredDocument:
    content: bytes
    filename: str


async def contract_document(
    session: AsyncSession, settings: Settings, contract_id: uuid.UUID, token: str
) -> StoredDocument:
    """The contract PDF the token opens: its signature is checked before anything is read."""
    subject = tokens.document_token_subject(settings, token, tokens.TokenType.CONTRACT_DOCUMENT)
    try:
        document = await contracts_service.get_contract_document(session, contract_id)
    except (ContractNotFound, ContractDocumentNotFound) as exc:
        # The token opens some other document, since no document exists here.
        raise DocumentTokenMismatch() from exc
    if subject != str(document.id):
        raise DocumentTokenMismatch()
    if settings.landing_verification == "cin_only":
        # Whoever knows a CIN can reach this link: the copy masks the CIN, line number and street address.
        content = await contracts_service.public_contract_copy(session, contract_id)
        return StoredDocument(content, document.filename)
    return StoredDocument(contracts_service.verified_document_content(document), document.filename)


async def invoice_document(
    session: AsyncSession, settings: Settings, invoice_id: uuid.UUID, token: str
) -> StoredDocument:
    """The invoice PDF the token opens."""
    subject = tokens.document_token_subject(settings, token, tokens.TokenType.INVOICE_DOCUMENT)
    if subject != str(invoice_id):
        raise DocumentTokenMismatch()
    try:
        content, filename = await billing_service.get_invoice_pdf(session, invoice_id)
        if settings.landing_verification == "cin_only":
            content = await billing_service.public_invoice_copy(session, invoice_id)
    except NotFound as exc:
        raise LandingInvoiceNotFound() from exc
    except (InvoicePdfNotReady, InvoicePdfUnavailable) as exc:
        raise DocumentNotAvailable() from exc
    return StoredDocument(content, filename)


# --- submits ---------------------------------------------------------------------------------------------


def _comparable_name(name: str | None) -> str:
    """Case, accents, hyphens and spacing do not make another person: 'Él-Alami' is 'el alami'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


def _same_person(client: Client, first_name: str, last_name: str) -> bool:
    return _comparable_name(client.first_name) == _comparable_name(first_name) and _comparable_name(
        client.last_name
    ) == _comparable_name(last_name)


def _seconds_until_tomorrow() -> int:
    now = datetime.now(UTC)
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)
    return int((tomorrow - now).total_seconds()) + 1


async def _check_daily_line_cap(session: AsyncSession, settings: Settings, digest: str, today: date) -> None:
    """At most `landing_max_lines_per_cin_per_day` lines per CIN and UTC day (checked under the CIN lock)."""
    added = await session.scalar(
        select(func.count())
        .select_from(LandingLineSubmission)
        .where(LandingLineSubmission.cin_digest == digest, LandingLineSubmission.submitted_on == today)
    )
    if (added or 0) >= settings.landing_max_lines_per_cin_per_day:
        raise LandingCinLimit(_seconds_until_tomorrow())


async def _client_for_submit(
    session: AsyncSession, settings: Settings, payload: NewSubscriptionSubmit, today: date
) -> tuple[Client, bool]:
    """The client holding the CIN, or a new one. An existing client is never changed by the landing."""
    digest = tokens.cin_digest(settings, payload.cin)
    # Held until commit: a parallel submit for the same new CIN then finds this client instead of
    # colliding with it on the unique CIN (which would answer `client_cin_taken` to the same person), and
    # the daily cap below counts the lines the first one added.
    await lock(session, LockNamespace.CLIENT_CIN, digest)
    await _check_daily_line_cap(session, settings, digest, today)
    existing = await customers_service.get_client_by_cin(session, payload.cin)
    if existing is not None:
        if not _same_person(existing, payload.first_name, payload.last_name):
            logger.warning("landing submit refused: identity differs for CIN %s", mask_cin(payload.cin))
            raise SubscriptionRefused()
        if settings.landing_verification == "otp" and not tokens.lookup_token_verified(
            settings, payload.lookup_token, payload.cin
        ):
            logger.warning("landing submit refused: no verified one-time code for CIN %s", mask_cin(payload.cin))
            raise SubscriptionRefused()
        return existing, True
    created = await customers_service.create_client(
        session,
        ClientCreate(
            kind="individual",
            cin=payload.cin,
            first_name=payload.first_name,
            last_name=payload.last_name,
            email=payload.email,
            phone=payload.phone,
            address=payload.address,
            city=payload.city,
        ),
    )
    return created, False


async def _notify_line_added(session: AsyncSession, client: Client, contract: ContractRead) -> None:
    """Tell the contact on file that a line was added online, so a line added by someone else is noticed."""
    await outbox.publish(
        session,
        "landing.line_added",
        {
            "client_id": client.id,
            "email": client.email,
            "phone": client.phone,
            "contract_id": contract.id,
            "contract_number": contract.contract_number,
            "masked_line_number": mask_phone(contract.phone_number),
            "message": (
                f"MT Telecom: a new line ({mask_phone(contract.phone_number)}, contract "
                f"{contract.contract_number}) was added to your account online. Not you? Call customer service."
            ),
        },
    )


async def _contract_summary(session: AsyncSession, result: ProvisioningResult) -> ContractSummary:
    contract: ContractRead = result.contract
    return ContractSummary(
        contract_id=contract.id,
        contract_number=contract.contract_number,
        decision=result.decision,
        status=contract.status,
        service_type=contract.service_type,
        offer=await _offer_summary(session, contract.offer_id),
        start_date=contract.start_date,
        monthly_fee=contract.monthly_fee,
        activation_fee=contract.activation_fee,
        masked_line_number=mask_phone(contract.phone_number),
    )


async def submit_new(
    session: AsyncSession, settings: Settings, payload: NewSubscriptionSubmit, today: date
) -> NewSubscriptionResult:
    """Create (or reuse, by CIN) the client and provision a new line through the contracts module.

    The intent is always `new_line`: the public wizard's "new subscription" must never turn into a plan
    change of an existing contract (that is what submit/plan-change is for, with a lookup token).
    """
    act_as_landing(payload.cin)
    check_start_date(settings, payload.contract_start_date, today, ["body", "contract_start_date"])
    accepted_texts = acceptance_record(payload.accepted_legal_texts)
    await offer_on_sale(session, payload.offer_id, payload.contract_start_date, ["body", "offer_id"])
    if payload.draft_id is not None:
        # Checked before any write, so a stale or used draft id fails fast; closed after provisioning.
        await _open_draft(session, payload.draft_id)
    client, reused = await _client_for_submit(session, settings, payload, today)
    try:
        result = await contracts_service.provision_contract(
            session,
            ContractProvisionRequest(
                client_id=client.id,
                offer_id=payload.offer_id,
                contract_start_date=payload.contract_start_date,
                intent="new_line",
                existing_mobile_local_number=payload.existing_mobile_local_number,
                requested_mobile_local_number=payload.requested_mobile_local_number,
                home_landline_local_number=payload.home_landline_local_number,
            ),
        )
    except ClientTerminated as exc:
        logger.warning("landing submit refused: the client of CIN %s is terminated", mask_cin(client.cin))
        raise SubscriptionRefused() from exc
    session.add(
        LandingLineSubmission(
            cin_digest=tokens.cin_digest(settings, payload.cin),
            submitted_on=today,
            contract_id=result.contract.id,
            existing_client=reused,
        )
    )
    # On the client's record, where operators read its history: which wording was accepted for which contract.
    await record_audit(
        session,
        action="client.legal_texts_accepted",
        entity_type="client",
        entity_id=client.id,
        after={
            "contract_id": result.contract.id,
            "contract_number": result.contract.contract_number,
            "legal_texts": accepted_texts,
        },
    )
    if reused:
        await _notify_line_added(session, client, result.contract)
    if payload.draft_id is not None:
        await _close_draft(session, payload.draft_id, result.contract.id)
    logger.info(
        "landing subscription %s for CIN %s (%s client)",
        result.contract.contract_number,
        mask_cin(client.cin),
        "existing" if reused else "new",
    )
    return NewSubscriptionResult(
        contract=await _contract_summary(session, result),
        client=MaskedClient(
            masked_cin=mask_cin(client.cin),
            masked_email=mask_email(client.email) if client.email else None,
            masked_phone=mask_phone(client.phone) if client.phone else None,
            reused_existing_client=reused,
        ),
        document=await _contract_document_link(session, settings, result.contract.id),
        draft_id=payload.draft_id,
    )


async def _owned_contract(session: AsyncSession, client: Client | None, contract_id: uuid.UUID) -> None:
    """404 unless the contract belongs to the token's client: another client's contract is not revealed."""
    if client is None:
        raise LandingContractNotFound()
    try:
        contract = await contracts_service.get_contract(session, contract_id)
    except ContractNotFound as exc:
        raise LandingContractNotFound() from exc
    if contract.client_id != client.id:
        raise LandingContractNotFound()


def _renamed_field(exc: AppError, old: str, new: str) -> None:
    """Point an error of the contracts API (`target_contract_id`) at the landing field (`contract_id`)."""
    for detail in exc.details:
        loc = detail.get("loc")
        if isinstance(loc, list):
            detail["loc"] = [new if part == old else part for part in loc]


async def submit_plan_change(
    session: AsyncSession, settings: Settings, payload: PlanChangeSubmit, today: date
) -> PlanChangeResult:
    """Change the plan of one of the CIN's contracts; `contract_start_date` is the new contract's start."""
    client = await _client_for_token(session, settings, payload.cin, payload.lookup_token)
    act_as_landing(payload.cin)
    await _owned_contract(session, client, payload.contract_id)
    assert client is not None
    check_start_date(settings, payload.contract_start_date, today, ["body", "contract_start_date"])
    await offer_on_sale(session, payload.offer_id, payload.contract_start_date, ["body", "offer_id"])
    try:
        result = await contracts_service.provision_contract(
            session,
            ContractProvisionRequest(
                client_id=client.id,
                offer_id=payload.offer_id,
                contract_start_date=payload.contract_start_date,
                intent="change_plan",
                target_contract_id=payload.contract_id,
            ),
        )
    except AppError as exc:
        _renamed_field(exc, "target_contract_id", "contract_id")
        raise
    replaced = result.replaced_contract
    assert replaced is not None
    logger.info(
        "landing plan change %s -> %s for CIN %s",
        replaced.contract_number,
        result.contract.contract_number,
        mask_cin(client.cin),
    )
    return PlanChangeResult(
        contract=await _contract_summary(session, result),
        replaced_contract_id=replaced.id,
        replaced_contract_number=replaced.contract_number,
        replaced_contract_end_date=replaced.end_date,
        effective_date=result.contract.start_date,
        document=await _contract_document_link(session, settings, result.contract.id),
    )


def submit_new_fingerprint(payload: NewSubscriptionSubmit) -> dict[str, Any]:
    """What identifies a new subscription for idempotency. The lookup token is left out, as for plan change,
    and so are the accepted legal texts: a retry after the visitor switched language, or accepted the texts
    again after a `legal_text_outdated`, is still the same subscription (a replay keeps the first record)."""
    return payload.model_dump(mode="json", exclude={"lookup_token", "accepted_legal_texts"})


def plan_change_fingerprint(payload: PlanChangeSubmit) -> dict[str, Any]:
    """What identifies a plan change for idempotency: the lookup token is left out, since a retry after
    verifying the CIN again carries a fresh token for the very same request."""
    return payload.model_dump(mode="json", exclude={"lookup_token"})
