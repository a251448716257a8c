"""Contracts and subscribers: provisioning decisions, lifecycle, documents and reads.

Other modules call these functions (never the tables). Services flush, never commit: the caller's unit
of work decides. Rules and choices are described in docs/contracts.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import service as catalog_service
from app.catalog.models import Offer
from app.catalog.usage import register_offer_usage_check
from app.contracts import billed_periods
from app.contracts.documents import TEMPLATE_VERSION, contract_sheet, render_contract_pdf
from app.contracts.exceptions import (
    ClientTerminated,
    ContractDocumentNotFound,
    ContractNotActive,
    ContractNotFound,
    DocumentIntegrityError,
    InvalidStatusTransition,
    InvalidTargetContract,
    NoContractToChange,
    NumberUnavailable,
    OfferAlreadySubscribed,
    OfferNotAvailable,
    ProvisioningAmbiguous,
    ServiceTypeIncompatible,
    SubscriberHasLiveContract,
    SubscriberNotFound,
)
from app.contracts.models import Contract, ContractDocument, ContractSuspension, Subscriber
from app.contracts.numbering import allocate_number, next_contract_number, reserve_number
from app.contracts.schemas import (
    ContractProvisionRequest,
    ContractRead,
    ProvisioningResult,
    SubscriberCreate,
    SubscriberRead,
    SubscriberUpdate,
    contract_read,
)
from app.customers import service as customers_service
from app.customers.history import register_client_history_check, register_live_service_check
from app.customers.models import Client
from app.errors import BusinessValidationError, register_constraint_error
from app.kit.audit import record_audit
from app.kit.correlation import current_actor
from app.kit.dates import utc_today
from app.kit.locks import lock_client
from app.kit.pagination import PageParams
from app.kit.phone import InvalidPhoneNumber, NumberKind, normalize_moroccan_number

# The subscriber service types an offer category fits (spec 5.2); fiber <-> adsl is a technology change.
COMPATIBLE_SERVICE_TYPES: dict[str, tuple[str, ...]] = {
    "mobile": ("mobile",),
    "internet": ("fiber", "adsl"),
    "landline": ("landline",),
}

register_constraint_error(
    "uq_subscribers_number_live",
    409,
    "number_unavailable",
    "This number already belongs to another live line.",
    "phone_number",
)
register_constraint_error(
    "uq_contracts_subscriber_live", 409, "subscriber_has_live_contract", "This line already has a live contract."
)
register_constraint_error(
    "ck_subscribers_number_family",
    422,
    "validation_error",
    "Mobile lines take mobile numbers (6/7); internet and landline lines take landline numbers (5/8).",
    "phone_number",
)


async def _client_has_contract_history(session: AsyncSession, client_id: uuid.UUID) -> bool:
    has_contract = exists(select(Contract.id).where(Contract.client_id == client_id))
    has_line = exists(select(Subscriber.id).where(Subscriber.client_id == client_id))
    return bool(await session.scalar(select(has_contract | has_line)))


register_client_history_check("contract", _client_has_contract_history)


async def _offer_sold_on_contracts(session: AsyncSession, offer_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists(select(Contract.id).where(Contract.offer_id == offer_id)))))


register_offer_usage_check("contract", _offer_sold_on_contracts)


async def _client_has_live_contracts(session: AsyncSession, client_id: uuid.UUID) -> bool:
    live = select(Contract.id).where(Contract.client_id == client_id, Contract.status != "terminated")
    return bool(await session.scalar(select(exists(live))))


register_live_service_check("contract", _client_has_live_contracts)


def _actor() -> str:
    return current_actor().subject


def _text(value: Any) -> Any:
    if isinstance(value, date | Decimal | uuid.UUID):
        return str(value)
    return value


def _contract_summary(contract: Contract) -> dict[str, Any]:
    fields = (
        "contract_number",
        "client_id",
        "offer_id",
        "subscriber_id",
        "service_type",
        "status",
        "decision",
        "start_date",
        "end_date",
        "replaced_contract_id",
        "monthly_fee",
        "activation_fee",
        "activation_fee_pending",
    )
    return {name: _text(getattr(contract, name)) for name in fields}


def _subscriber_summary(subscriber: Subscriber) -> dict[str, Any]:
    fields = ("client_id", "service_type", "phone_number", "status", "activated_on", "terminated_on")
    return {name: _text(getattr(subscriber, name)) for name in fields}


async def _flush_and_refresh(session: AsyncSession, *rows: object) -> None:
    """Flush, then reload the rows so server-set columns (updated_at) are readable without lazy IO."""
    await session.flush()
    for row in rows:
        await session.refresh(row)


def is_compatible(offer: Offer, service_type: str) -> bool:
    """True when an offer of this category fits a line of this service type."""
    return service_type in COMPATIBLE_SERVICE_TYPES[offer.category]


# --- reads -----------------------------------------------------------------------------------------


async def get_contract(session: AsyncSession, contract_id: uuid.UUID) -> Contract:
    """The contract with this id, or ContractNotFound."""
    contract = await session.get(Contract, contract_id)
    if contract is None:
        raise ContractNotFound()
    return contract


async def get_subscriber(session: AsyncSession, subscriber_id: uuid.UUID) -> Subscriber:
    """The line with this id, or SubscriberNotFound."""
    subscriber = await session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise SubscriberNotFound()
    return subscriber


async def describe_contract(session: AsyncSession, contract: Contract) -> ContractRead:
    """The API view of a contract (with its line's number)."""
    subscriber = await get_subscriber(session, contract.subscriber_id)
    return contract_read(contract, subscriber.phone_number)


async def list_client_contracts(
    session: AsyncSession, client_id: uuid.UUID, *, live_only: bool = True
) -> list[Contract]:
    """The client's contracts, oldest first; live_only keeps those not terminated."""
    stmt = select(Contract).where(Contract.client_id == client_id)
    if live_only:
        stmt = stmt.where(Contract.status != "terminated")
    return list((await session.scalars(stmt.order_by(Contract.start_date, Contract.contract_number))).all())


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contracts_statement(
    *,
    q: str | None = None,
    client_id: uuid.UUID | None,
    status: str | None,
    service: str | None,
    offer_id: uuid.UUID | None,
    subscriber_id: uuid.UUID | None,
) -> Select[Contract, str]:
    stmt = select(Contract, Subscriber.phone_number).join(Subscriber, Subscriber.id == Contract.subscriber_id)
    if q is not None and q.strip():
        term = q.strip()
        matches: list[ColumnElement[bool]] = [Contract.contract_number.ilike(f"%{_escape_like(term)}%", escape="\\")]
        with contextlib.suppress(InvalidPhoneNumber):
            matches.append(Subscriber.phone_number == normalize_moroccan_number(term, "any"))
        stmt = stmt.where(or_(*matches))
    if client_id is not None:
        stmt = stmt.where(Contract.client_id == client_id)
    if status is not None:
        stmt = stmt.where(Contract.status == status)
    if service is not None:
        stmt = stmt.where(Contract.service_type.in_(COMPATIBLE_SERVICE_TYPES[service]))
    if offer_id is not None:
        stmt = stmt.where(Contract.offer_id == offer_id)
    if subscriber_id is not None:
        stmt = stmt.where(Contract.subscriber_id == subscriber_id)
    return stmt


def contracts_export_statement(
    *,
    q: str | None = None,
    client_id: uuid.UUID | None = None,
    status: str | None = None,
    service: str | None = None,
    offer_id: uuid.UUID | None = None,
    subscriber_id: uuid.UUID | None = None,
) -> Select[Contract, str]:
    """Contracts and their line numbers matching the list's filters, in the list's order (CSV export)."""
    stmt = _contracts_statement(
        q=q, client_id=client_id, status=status, service=service, offer_id=offer_id, subscriber_id=subscriber_id
    )
    return stmt.order_by(Contract.created_at.desc(), Contract.contract_number.desc())


async def count_contracts_by_client(
    session: AsyncSession, client_ids: list[uuid.UUID], *, live_only: bool = False
) -> dict[uuid.UUID, int]:
    """How many contracts each client holds (every client asked for is in the answer, with 0 if none)."""
    stmt = select(Contract.client_id, func.count()).where(Contract.client_id.in_(client_ids))
    if live_only:
        stmt = stmt.where(Contract.status != "terminated")
    counts: dict[uuid.UUID, int] = {row[0]: row[1] for row in await session.execute(stmt.group_by(Contract.client_id))}
    return {client_id: int(counts.get(client_id, 0)) for client_id in client_ids}


async def list_contracts(
    session: AsyncSession,
    page: PageParams,
    *,
    q: str | None = None,
    client_id: uuid.UUID | None = None,
    status: str | None = None,
    service: str | None = None,
    offer_id: uuid.UUID | None = None,
    subscriber_id: uuid.UUID | None = None,
) -> tuple[list[ContractRead], int]:
    """One page of contracts (newest first) matching the filters, and the total count."""
    stmt = _contracts_statement(
        q=q, client_id=client_id, status=status, service=service, offer_id=offer_id, subscriber_id=subscriber_id
    )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(Contract.created_at.desc(), Contract.contract_number.desc()).limit(page.limit).offset(page.offset)
    )
    return [contract_read(contract, number) for contract, number in rows], int(total or 0)


async def list_subscribers(
    session: AsyncSession,
    page: PageParams,
    *,
    client_id: uuid.UUID | None = None,
    status: str | None = None,
    service_type: str | None = None,
    phone_number: str | None = None,
) -> tuple[list[Subscriber], int]:
    """One page of lines (newest first) matching the filters, and the total count."""
    stmt = select(Subscriber)
    if client_id is not None:
        stmt = stmt.where(Subscriber.client_id == client_id)
    if status is not None:
        stmt = stmt.where(Subscriber.status == status)
    if service_type is not None:
        stmt = stmt.where(Subscriber.service_type == service_type)
    if phone_number is not None:
        stmt = stmt.where(Subscriber.phone_number == phone_number)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.scalars(
        stmt.order_by(Subscriber.created_at.desc(), Subscriber.id).limit(page.limit).offset(page.offset)
    )
    return list(rows.all()), int(total or 0)


async def list_suspensions(session: AsyncSession, contract_id: uuid.UUID) -> list[ContractSuspension]:
    """The suspension periods of a contract, oldest first."""
    await get_contract(session, contract_id)
    rows = await session.scalars(
        select(ContractSuspension)
        .where(ContractSuspension.contract_id == contract_id)
        .order_by(ContractSuspension.suspended_from)
    )
    return list(rows.all())


async def get_contract_document(session: AsyncSession, contract_id: uuid.UUID) -> ContractDocument:
    """The latest document of the contract, or ContractNotFound / ContractDocumentNotFound."""
    await get_contract(session, contract_id)
    document = await session.scalar(
        select(ContractDocument)
        .where(ContractDocument.contract_id == contract_id)
        .order_by(ContractDocument.generated_at.desc(), ContractDocument.id.desc())
        .limit(1)
    )
    if document is None:
        raise ContractDocumentNotFound()
    return document


def verified_document_content(document: ContractDocument) -> bytes:
    """The document's bytes once their SHA-256 and size match what was stored at generation."""
    content = bytes(document.content)
    if len(content) != document.size_bytes or hashlib.sha256(content).hexdigest() != document.sha256:
        raise DocumentIntegrityError()
    return content


# --- provisioning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """What provisioning will do: replace `contract` on `subscriber`, or create a contract (on a new line
    when `subscriber` is None)."""

    contract: Contract | None
    subscriber: Subscriber | None


async def provision_contract(session: AsyncSession, request: ContractProvisionRequest) -> ProvisioningResult:
    """Decide new line or plan change for the client and offer, and write it (flush only, never commit)."""
    # Serialises every provisioning (and billing, payments) of this client: two parallel calls cannot
    # both create or both replace; the second one decides on what the first one wrote.
    await lock_client(session, request.client_id)
    client = await customers_service.get_client(session, request.client_id)
    if client.status == "terminated":
        raise ClientTerminated()
    offer = await catalog_service.get_offer(session, request.offer_id)
    if not catalog_service.is_offer_available(offer, request.contract_start_date):
        raise OfferNotAvailable(
            f"Offer {offer.code} is not on sale on {request.contract_start_date.isoformat()} "
            "(retired or outside its validity)."
        )
    given = _given_numbers(request, offer)
    plan = await _decide(session, request, offer, given)
    if plan.contract is None:
        return await _create_contract(session, request, client, offer, plan.subscriber, given)
    assert plan.subscriber is not None
    return await _change_plan(session, request, client, offer, plan.contract, plan.subscriber)


def _given_numbers(request: ContractProvisionRequest, offer: Offer) -> list[tuple[str, str]]:
    """The (field, canonical number) pairs of the request, checked against the offer's numbering path."""
    mobile = [
        ("existing_mobile_local_number", request.existing_mobile_local_number),
        ("requested_mobile_local_number", request.requested_mobile_local_number),
    ]
    if offer.category == "mobile":
        if request.home_landline_local_number is not None:
            raise BusinessValidationError(
                ["body", "home_landline_local_number"],
                "A home landline number applies to internet and landline offers, not to a mobile offer.",
            )
        if request.existing_mobile_local_number and request.requested_mobile_local_number:
            raise BusinessValidationError(
                ["body", "requested_mobile_local_number"],
                "Give either the number the client brings or a requested new number, not both.",
            )
        return [(name, number) for name, number in mobile if number is not None]
    for name, number in mobile:
        if number is not None:
            raise BusinessValidationError(["body", name], "A mobile number applies only to mobile offers.")
    if request.home_landline_local_number is None:
        return []
    return [("home_landline_local_number", request.home_landline_local_number)]


async def _decide(
    session: AsyncSession, request: ContractProvisionRequest, offer: Offer, given: list[tuple[str, str]]
) -> _Plan:
    if request.target_contract_id is not None:
        return await _plan_on_target(session, request, offer, given)
    if request.intent == "new_line":
        return _Plan(None, None)

    for name, number in given:
        holder = await _live_line_by_number(session, number, request.client_id)
        if holder is None:
            continue
        if holder.client_id != request.client_id:
            raise NumberUnavailable(name)
        if not is_compatible(offer, holder.service_type):
            raise ServiceTypeIncompatible(
                f"Line {number} is a {holder.service_type} line; offer {offer.code} is {offer.service_type}.", name
            )
        live = await _live_contract_of(session, holder.id)
        if live is None:
            if holder.status != "active":
                raise ContractNotActive(f"Line {number} is {holder.status}.", name)
            if request.intent == "change_plan":
                raise NoContractToChange(f"Line {number} has no contract to change.", name)
            # A line of the client without a contract (made by an admin): the new contract reuses it.
            return _Plan(None, holder)
        _ensure_changeable(live, holder, offer, name)
        return _Plan(live, holder)

    candidates = await _candidate_contracts(session, request.client_id, offer)
    if request.intent == "change_plan":
        if given:
            raise NoContractToChange("No line of this client has this number.", given[0][0])
        if not candidates:
            raise NoContractToChange("The client has no active contract compatible with this offer.")
    elif not candidates:
        return _Plan(None, None)
    elif given:
        # The number designates none of the client's lines while compatible contracts exist: a new line
        # or a change on one of them are both plausible, and auto does not guess.
        raise ProvisioningAmbiguous(
            "The number given is not one of the client's lines and the client has compatible contracts: "
            "send intent new_line for a new line, or target_contract_id for a plan change.",
            _candidate_details(candidates),
        )
    if len(candidates) == 1:
        contract, subscriber = candidates[0]
        _ensure_changeable(contract, subscriber, offer, "offer_id")
        return _Plan(contract, subscriber)
    raise ProvisioningAmbiguous(
        f"The client has {len(candidates)} active contracts compatible with this offer: "
        "choose one with target_contract_id (or send intent new_line).",
        _candidate_details(candidates),
    )


async def _plan_on_target(
    session: AsyncSession, request: ContractProvisionRequest, offer: Offer, given: list[tuple[str, str]]
) -> _Plan:
    if request.intent == "new_line":
        raise BusinessValidationError(
            ["body", "target_contract_id"], "A new line takes no target contract: use intent auto or change_plan."
        )
    contract = await session.scalar(
        select(Contract)
        .where(Contract.id == request.target_contract_id, Contract.client_id == request.client_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if contract is None:
        raise InvalidTargetContract()
    subscriber = await _subscriber_for_update(session, contract.subscriber_id)
    _ensure_changeable(contract, subscriber, offer, "target_contract_id")
    for name, number in given:
        if number != subscriber.phone_number:
            raise BusinessValidationError(
                ["body", name],
                f"This number is not the line of contract {contract.contract_number}.",
                code="number_mismatch",
            )
    return _Plan(contract, subscriber)


def _ensure_changeable(contract: Contract, subscriber: Subscriber, offer: Offer, field: str) -> None:
    if contract.status != "active" or subscriber.status != "active":
        state = contract.status if contract.status != "active" else f"on a {subscriber.status} line"
        raise ContractNotActive(
            f"Contract {contract.contract_number} is {state}; only an active contract changes plan.", field
        )
    if not is_compatible(offer, subscriber.service_type):
        raise ServiceTypeIncompatible(
            f"Offer {offer.code} ({offer.service_type}) does not fit the {subscriber.service_type} line of "
            f"contract {contract.contract_number}."
        )
    if contract.offer_id == offer.id:
        raise OfferAlreadySubscribed(contract.contract_number)


async def _subscriber_for_update(session: AsyncSession, subscriber_id: uuid.UUID) -> Subscriber:
    return (
        await session.execute(
            select(Subscriber)
            .where(Subscriber.id == subscriber_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()


async def _live_line_by_number(session: AsyncSession, number: str, client_id: uuid.UUID) -> Subscriber | None:
    holder = await session.scalar(
        select(Subscriber).where(Subscriber.phone_number == number, Subscriber.status != "terminated")
    )
    # Only the client's own lines are locked: another client's line is just reported as taken.
    if holder is None or holder.client_id != client_id:
        return holder
    return await _subscriber_for_update(session, holder.id)


async def _live_contract_of(session: AsyncSession, subscriber_id: uuid.UUID) -> Contract | None:
    return await session.scalar(
        select(Contract)
        .where(Contract.subscriber_id == subscriber_id, Contract.status != "terminated")
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def _candidate_contracts(
    session: AsyncSession, client_id: uuid.UUID, offer: Offer
) -> list[tuple[Contract, Subscriber]]:
    """The client's active contracts on active lines that the offer fits, oldest first."""
    rows = await session.execute(
        select(Contract, Subscriber)
        .join(Subscriber, Subscriber.id == Contract.subscriber_id)
        .where(
            Contract.client_id == client_id,
            Contract.status == "active",
            Subscriber.status == "active",
            Subscriber.service_type.in_(COMPATIBLE_SERVICE_TYPES[offer.category]),
        )
        .order_by(Contract.start_date, Contract.contract_number)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return [(contract, subscriber) for contract, subscriber in rows]


def _candidate_details(candidates: list[tuple[Contract, Subscriber]]) -> list[dict[str, Any]]:
    return [
        {
            "contract_id": str(contract.id),
            "contract_number": contract.contract_number,
            "offer_id": str(contract.offer_id),
            "service_type": subscriber.service_type,
            "phone_number": subscriber.phone_number,
            "start_date": contract.start_date.isoformat(),
            "monthly_fee": f"{contract.monthly_fee:.2f}",
        }
        for contract, subscriber in candidates
    ]


async def _number_for_new_line(session: AsyncSession, offer: Offer, given: list[tuple[str, str]]) -> str:
    if given:
        # _given_numbers lets at most one number through for a new line's numbering path.
        field, number = given[0]
        await reserve_number(session, number, field=field)
        return number
    if offer.category == "mobile":
        return await allocate_number(session)
    raise BusinessValidationError(
        ["body", "home_landline_local_number"], "A new internet or landline line needs the home landline number."
    )


async def _create_contract(
    session: AsyncSession,
    request: ContractProvisionRequest,
    client: Client,
    offer: Offer,
    line: Subscriber | None,
    given: list[tuple[str, str]],
) -> ProvisioningResult:
    if line is None:
        number = await _number_for_new_line(session, offer, given)
        line = await _open_line(session, client.id, offer.service_type, number, request.contract_start_date)
    else:
        await _follow_offer_technology(session, line, offer)
    contract = await _sign(
        session, client, offer, line, request.contract_start_date, "created", offer.activation_fee, replaced=None
    )
    return ProvisioningResult(
        decision="created",
        contract=contract_read(contract, line.phone_number),
        subscriber=SubscriberRead.model_validate(line),
        replaced_contract=None,
    )


async def _change_plan(
    session: AsyncSession,
    request: ContractProvisionRequest,
    client: Client,
    offer: Offer,
    old: Contract,
    line: Subscriber,
) -> ProvisioningResult:
    start = request.contract_start_date
    if start < old.start_date:
        raise BusinessValidationError(
            ["body", "contract_start_date"],
            f"A plan change starts on or after the start of contract {old.contract_number} "
            f"({old.start_date.isoformat()}).",
        )
    # The old contract's days from the start on must not be invoiced already: both contracts would bill them.
    await billed_periods.ensure_unbilled_from(session, old.id, start, field="contract_start_date", requested=start)
    actor = _actor()
    before = _contract_summary(old)
    # Replaced on its own start date, the old contract ends before its first day and billing never charges
    # its activation fee: a fee still owed moves to the new contract instead of being lost.
    carried_fee = Decimal("0.00")
    if (
        start == old.start_date
        and old.activation_fee_pending
        and old.activation_fee > 0
        and not await billed_periods.activation_billed(session, old.id)
    ):
        carried_fee = old.activation_fee
        old.activation_fee_pending = False
    # The old contract ends the day before the new one starts. It leaves the live state at once, even when
    # that day is still ahead: billing reads start_date/end_date, and a line keeps one live contract.
    old.end_date = start - timedelta(days=1)
    old.status = "terminated"
    old.terminated_at = datetime.now(UTC)
    old.updated_by = actor
    await _flush_and_refresh(session, old)
    await record_audit(
        session,
        action="contract.replaced",
        entity_type="contract",
        entity_id=old.id,
        before=before,
        after=_contract_summary(old),
    )

    technology_change = await _follow_offer_technology(session, line, offer)
    # Same line, same technology: nothing to install, so no new activation fee (only a carried one).
    activation_fee = (offer.activation_fee if technology_change else Decimal("0.00")) + carried_fee
    decision = "downgraded" if offer.monthly_fee < old.monthly_fee else "upgraded"
    contract = await _sign(session, client, offer, line, start, decision, activation_fee, replaced=old)
    return ProvisioningResult(
        decision=decision,
        contract=contract_read(contract, line.phone_number),
        subscriber=SubscriberRead.model_validate(line),
        replaced_contract=contract_read(old, line.phone_number),
    )


async def _open_line(
    session: AsyncSession, client_id: uuid.UUID, service_type: str, number: str, activated_on: date
) -> Subscriber:
    """Write a new active line (its number already reserved or allocated) and audit it."""
    actor = _actor()
    line = Subscriber(
        client_id=client_id,
        service_type=service_type,
        phone_number=number,
        status="active",
        activated_on=activated_on,
        created_by=actor,
        updated_by=actor,
    )
    session.add(line)
    await _flush_and_refresh(session, line)
    await record_audit(
        session,
        action="subscriber.created",
        entity_type="subscriber",
        entity_id=line.id,
        after=_subscriber_summary(line),
    )
    return line


async def _save_line_change(session: AsyncSession, line: Subscriber, action: str, before: dict[str, Any]) -> None:
    line.updated_by = _actor()
    await _flush_and_refresh(session, line)
    await record_audit(
        session,
        action=action,
        entity_type="subscriber",
        entity_id=line.id,
        before=before,
        after=_subscriber_summary(line),
    )


async def _follow_offer_technology(session: AsyncSession, line: Subscriber, offer: Offer) -> bool:
    """On a technology change (fiber <-> adsl) the line's service type follows the offer; True when it did."""
    if line.service_type == offer.service_type:
        return False
    before = _subscriber_summary(line)
    line.service_type = offer.service_type
    await _save_line_change(session, line, "subscriber.technology_changed", before)
    return True


async def _sign(
    session: AsyncSession,
    client: Client,
    offer: Offer,
    line: Subscriber,
    start: date,
    decision: str,
    activation_fee: Decimal,
    *,
    replaced: Contract | None,
) -> Contract:
    """Write the contract with the fees in force today, its PDF, and the audit record."""
    actor = _actor()
    # Taken last: the counter row stays locked until commit, so keep that window short.
    number = await next_contract_number(session, utc_today().year)
    contract = Contract(
        contract_number=number,
        client_id=client.id,
        offer_id=offer.id,
        subscriber_id=line.id,
        service_type=offer.service_type,
        status="active",
        decision=decision,
        start_date=start,
        end_date=None,
        replaced_contract_id=replaced.id if replaced is not None else None,
        monthly_fee=offer.monthly_fee,
        activation_fee=activation_fee,
        activation_fee_pending=activation_fee > 0,
        created_by=actor,
        updated_by=actor,
    )
    session.add(contract)
    await _flush_and_refresh(session, contract)
    await _store_document(session, contract, line, client, offer, replaced)
    await record_audit(
        session,
        action="contract.provisioned",
        entity_type="contract",
        entity_id=contract.id,
        after={**_contract_summary(contract), "phone_number": line.phone_number},
    )
    return contract


async def _store_document(
    session: AsyncSession,
    contract: Contract,
    line: Subscriber,
    client: Client,
    offer: Offer,
    replaced: Contract | None,
) -> ContractDocument:
    replaced_number = replaced.contract_number if replaced is not None else None
    rendered = render_contract_pdf(contract_sheet(contract, line, client, offer, replaced_number))
    document = ContractDocument(
        contract_id=contract.id,
        filename=rendered.filename,
        content_type="application/pdf",
        size_bytes=rendered.size_bytes,
        sha256=rendered.sha256,
        content=rendered.content,
        metadata_={
            "contract_number": contract.contract_number,
            "client_id": str(client.id),
            "offer_id": str(offer.id),
            "offer_code": offer.code,
            "phone_number": line.phone_number,
            "decision": contract.decision,
            "replaced_contract_number": replaced_number,
            "generator": "reportlab",
            "template_version": TEMPLATE_VERSION,
        },
    )
    session.add(document)
    await session.flush()
    return document


# --- lifecycle -------------------------------------------------------------------------------------


async def _contract_for_change(session: AsyncSession, contract_id: uuid.UUID) -> tuple[Contract, Subscriber]:
    contract = await get_contract(session, contract_id)
    # Suspensions and terminations change what billing charges: same per-client lock as billing.
    await lock_client(session, contract.client_id)
    contract = (
        await session.execute(
            select(Contract)
            .where(Contract.id == contract_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    return contract, await _subscriber_for_update(session, contract.subscriber_id)


def _not_in_future(effective_date: date) -> None:
    if effective_date > utc_today():
        raise BusinessValidationError(
            ["body", "effective_date"],
            "The effective date cannot be in the future: lifecycle changes are recorded when they happen.",
        )


async def _move_contract_and_line(
    session: AsyncSession,
    contract: Contract,
    line: Subscriber,
    status: str,
    action: str,
    before: dict[str, Any],
    **after_extra: str,
) -> None:
    """The shared end of suspend, resume and terminate: the line's status follows the contract's."""
    actor = _actor()
    contract.status = line.status = status
    contract.updated_by = line.updated_by = actor
    await _flush_and_refresh(session, contract, line)
    await record_audit(
        session,
        action=action,
        entity_type="contract",
        entity_id=contract.id,
        before=before,
        after={**_contract_summary(contract), **after_extra},
    )


async def _latest_suspension(session: AsyncSession, contract_id: uuid.UUID) -> ContractSuspension | None:
    return await session.scalar(
        select(ContractSuspension)
        .where(ContractSuspension.contract_id == contract_id)
        .order_by(ContractSuspension.suspended_from.desc(), ContractSuspension.created_at.desc())
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def suspend_contract(session: AsyncSession, contract_id: uuid.UUID, effective_date: date) -> Contract:
    """Suspend an active contract from `effective_date` (inclusive); its line is suspended too."""
    contract, line = await _contract_for_change(session, contract_id)
    if contract.status != "active":
        raise InvalidStatusTransition(f"Only an active contract can be suspended; this one is {contract.status}.")
    _not_in_future(effective_date)
    if effective_date < contract.start_date:
        raise BusinessValidationError(["body", "effective_date"], "A contract cannot be suspended before it starts.")
    latest = await _latest_suspension(session, contract.id)
    if latest is not None and latest.resumed_on is not None and effective_date < latest.resumed_on:
        raise BusinessValidationError(
            ["body", "effective_date"],
            f"The previous suspension lasted until {latest.resumed_on.isoformat()}; a new one starts on or after it.",
        )
    # Suspended days are not billed: days already invoiced cannot become suspended ones.
    await billed_periods.ensure_unbilled_from(
        session, contract.id, effective_date, field="effective_date", requested=effective_date
    )
    before = _contract_summary(contract)
    session.add(ContractSuspension(contract_id=contract.id, suspended_from=effective_date, created_by=_actor()))
    await _move_contract_and_line(
        session, contract, line, "suspended", "contract.suspended", before, suspended_from=effective_date.isoformat()
    )
    return contract


async def resume_contract(session: AsyncSession, contract_id: uuid.UUID, effective_date: date) -> Contract:
    """Resume a suspended contract on `effective_date` (first day of service again); its line too."""
    contract, line = await _contract_for_change(session, contract_id)
    if contract.status != "suspended":
        raise InvalidStatusTransition(f"Only a suspended contract can be resumed; this one is {contract.status}.")
    _not_in_future(effective_date)
    suspension = await _latest_suspension(session, contract.id)
    if suspension is not None and suspension.resumed_on is None:
        if effective_date <= suspension.suspended_from:
            raise BusinessValidationError(
                ["body", "effective_date"],
                f"The suspension started on {suspension.suspended_from.isoformat()}; service resumes after that day.",
            )
        suspension.resumed_on = effective_date
    before = _contract_summary(contract)
    await _move_contract_and_line(
        session, contract, line, "active", "contract.resumed", before, resumed_on=effective_date.isoformat()
    )
    return contract


async def terminate_contract(session: AsyncSession, contract_id: uuid.UUID, effective_date: date) -> Contract:
    """End a contract with `effective_date` as its last day of service; its line ends and the number is freed."""
    contract, line = await _contract_for_change(session, contract_id)
    if contract.status == "terminated":
        raise InvalidStatusTransition("This contract is already terminated.")
    _not_in_future(effective_date)
    if effective_date < contract.start_date - timedelta(days=1):
        raise BusinessValidationError(
            ["body", "effective_date"],
            f"The contract starts on {contract.start_date.isoformat()}; its last day cannot be earlier than the "
            "day before.",
        )
    suspension = await _latest_suspension(session, contract.id)
    if suspension is not None and effective_date < suspension.suspended_from:
        raise BusinessValidationError(
            ["body", "effective_date"],
            f"A suspension started on {suspension.suspended_from.isoformat()}; the contract cannot end before it.",
        )
    # The client has been invoiced for the days after an end dated back into them.
    await billed_periods.ensure_unbilled_from(
        session, contract.id, effective_date + timedelta(days=1), field="effective_date", requested=effective_date
    )
    if suspension is not None and suspension.resumed_on is None:
        # The suspension period closes with the contract (resumed_on is exclusive).
        suspension.resumed_on = effective_date + timedelta(days=1)
    before = _contract_summary(contract)
    contract.end_date = effective_date
    contract.terminated_at = datetime.now(UTC)
    line.terminated_on = effective_date
    await _move_contract_and_line(
        session, contract, line, "terminated", "contract.terminated", before, phone_number=line.phone_number
    )
    return contract


# --- subscribers (technical, admin) ----------------------------------------------------------------


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
    return await _open_line(session, client.id, payload.service_type, number, payload.activated_on or utc_today())


async def _line_for_change(session: AsyncSession, subscriber_id: uuid.UUID) -> Subscriber:
    line = await get_subscriber(session, subscriber_id)
    await lock_client(session, line.client_id)
    return await _subscriber_for_update(session, subscriber_id)


async def update_subscriber(session: AsyncSession, subscriber_id: uuid.UUID, payload: SubscriberUpdate) -> Subscriber:
    """Change a line's number or access technology (technical operation)."""
    line = await _line_for_change(session, subscriber_id)
    if line.status == "terminated":
        raise InvalidStatusTransition("A terminated line cannot be changed.")
    service_type = payload.service_type or line.service_type
    live = await _live_contract_of(session, line.id)
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
    before = _subscriber_summary(line)
    line.phone_number = number
    line.service_type = service_type
    await _save_line_change(session, line, "subscriber.updated", before)
    return line


async def terminate_subscriber(
    session: AsyncSession, subscriber_id: uuid.UUID, effective_date: date | None = None
) -> Subscriber:
    """End a line that has no live contract (technical operation); its number is freed."""
    line = await _line_for_change(session, subscriber_id)
    if line.status == "terminated":
        raise InvalidStatusTransition("This line is already terminated.")
    if await _live_contract_of(session, line.id) is not None:
        raise SubscriberHasLiveContract()
    last_day = effective_date or utc_today()
    _not_in_future(last_day)
    # Same bound as a contract's last day: at the earliest the day before the line started (an empty line).
    if last_day < line.activated_on - timedelta(days=1):
        raise BusinessValidationError(
            ["body", "effective_date"],
            f"The line started on {line.activated_on.isoformat()}; its last day cannot be earlier than the day before.",
        )
    before = _subscriber_summary(line)
    line.status = "terminated"
    line.terminated_on = last_day
    await _save_line_change(session, line, "subscriber.terminated", before)
    return line
