"""Provisioning (spec 5.2): carry out the decision of decisions.py, under the client lock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import service as catalog_service
from app.catalog.models import Offer
from app.contracts import billed_periods
from app.contracts.common import actor_subject, contract_summary, flush_and_refresh, subscriber_summary
from app.contracts.decisions import decide, given_numbers
from app.contracts.documents import TEMPLATE_VERSION, contract_sheet, render_contract_pdf
from app.contracts.exceptions import (
    ClientTerminated,
    OfferNotAvailable,
)
from app.contracts.lines import open_line, save_line_change
from app.contracts.models import Contract, ContractDocument, Subscriber
from app.contracts.numbering import allocate_number, next_contract_number, reserve_number
from app.contracts.schemas import (
    ContractProvisionRequest,
    ProvisioningResult,
    SubscriberRead,
    contract_read,
)
from app.customers import service as customers_service
from app.customers.models import Client
from app.errors import BusinessValidationError
from app.kit.audit import record_audit
from app.kit.dates import utc_today
from app.kit.locks import lock_client


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
    given = given_numbers(request, offer)
    plan = await decide(session, request, offer, given)
    if plan.contract is None:
        return await _create_contract(session, request, client, offer, plan.subscriber, given)
    assert plan.subscriber is not None
    return await _change_plan(session, request, client, offer, plan.contract, plan.subscriber)


async def _number_for_new_line(session: AsyncSession, offer: Offer, given: list[tuple[str, str]]) -> str:
    if given:
        # given_numbers lets at most one number through for a new line's numbering path.
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
        line = await open_line(session, client.id, offer.service_type, number, request.contract_start_date)
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
    """Replace `old` by a contract on `offer` from the requested start, on the same line."""
    start = request.contract_start_date
    await _check_change_start(session, old, start)
    technology_before = line.service_type
    cancelled_change = await _change_that_never_started(session, old, start)
    if cancelled_change is not None:
        # Replacing a plan change before it started undoes it: billing sees a change from the contract it
        # replaced, and the cancelled change's own fee (it was for its technology change) is not owed. A fee
        # that contract still owed (it never started either, and carried it into the cancelled change) is.
        technology_before = cancelled_change.service_type
        old.activation_fee_pending = False
        carried_fee = await _fee_owed_before_its_first_day(session, cancelled_change, start)
    else:
        carried_fee = await _take_unbilled_activation_fee(session, old, start)
    await _end_replaced_contract(session, old, start)
    await _follow_offer_technology(session, line, offer)
    technology_change = offer.service_type != technology_before
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


async def _check_change_start(session: AsyncSession, old: Contract, start: date) -> None:
    """A plan change starts within the old contract, on a day not invoiced yet."""
    if start < old.start_date:
        raise BusinessValidationError(
            ["body", "contract_start_date"],
            f"A plan change starts on or after the start of contract {old.contract_number} "
            f"({old.start_date.isoformat()}).",
        )
    # The old contract's days from the start on must not be invoiced already: both contracts would bill them.
    await billed_periods.correct_or_refuse(
        session, old.id, start, field="contract_start_date", requested=start, reason="Changement d'offre rétroactif"
    )


async def _change_that_never_started(session: AsyncSession, old: Contract, start: date) -> Contract | None:
    """The contract `old` replaced, when `old` is a plan change replaced on its own start date (it never
    started) and that contract ran until the change: the state the new change really starts from. Changes
    replaced one after the other on that same day are all undone: the answer is the first contract of the
    chain, the one that ran until `start` (or, when the line itself starts on `start`, the line's first)."""
    if start != old.start_date or old.replaced_contract_id is None:
        return None
    previous = await _replaced_the_day_before(session, old)
    if previous is None:
        return None
    while previous.start_date == start and previous.replaced_contract_id is not None:
        earlier = await _replaced_the_day_before(session, previous)
        if earlier is None:
            break
        previous = earlier
    return previous


async def _replaced_the_day_before(session: AsyncSession, contract: Contract) -> Contract | None:
    """The contract `contract` replaced, if it ran until the day before `contract` started."""
    if contract.replaced_contract_id is None:
        return None
    previous = await session.get(Contract, contract.replaced_contract_id)
    if previous is None or previous.end_date != contract.start_date - timedelta(days=1):
        return None
    return previous


async def _fee_owed_before_its_first_day(session: AsyncSession, contract: Contract, start: date) -> Decimal:
    """The activation fee of `contract` still owed when it ends before its first day (`start`): it was carried
    into the change now undone, and moves on to the new contract (zero when already invoiced or none)."""
    if (
        contract.start_date == start
        and contract.activation_fee > 0
        and not await billed_periods.activation_billed(session, contract.id)
    ):
        contract.activation_fee_pending = False
        return contract.activation_fee
    return Decimal("0.00")


async def _take_unbilled_activation_fee(session: AsyncSession, old: Contract, start: date) -> Decimal:
    """The activation fee the new contract carries over from `old` (zero when there is none to carry)."""
    # Replaced on its own start date, the old contract ends before its first day and billing never charges
    # its activation fee: a fee still owed moves to the new contract instead of being lost.
    if (
        start == old.start_date
        and old.activation_fee_pending
        and old.activation_fee > 0
        and not await billed_periods.activation_billed(session, old.id)
    ):
        old.activation_fee_pending = False
        return old.activation_fee
    return Decimal("0.00")


async def _end_replaced_contract(session: AsyncSession, old: Contract, start: date) -> None:
    """End `old` the day before `start` and audit it as replaced."""
    before = contract_summary(old)
    # The old contract ends the day before the new one starts. It leaves the live state at once, even when
    # that day is still ahead: billing reads start_date/end_date, and a line keeps one live contract.
    old.end_date = start - timedelta(days=1)
    old.status = "terminated"
    old.terminated_at = datetime.now(UTC)
    old.updated_by = actor_subject()
    await flush_and_refresh(session, old)
    await record_audit(
        session,
        action="contract.replaced",
        entity_type="contract",
        entity_id=old.id,
        before=before,
        after=contract_summary(old),
    )


async def _follow_offer_technology(session: AsyncSession, line: Subscriber, offer: Offer) -> bool:
    """On a technology change (fiber <-> adsl) the line's service type follows the offer; True when it did."""
    if line.service_type == offer.service_type:
        return False
    before = subscriber_summary(line)
    line.service_type = offer.service_type
    await save_line_change(session, line, "subscriber.technology_changed", before)
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
    actor = actor_subject()
    # Taken last: the counter row stays locked until commit, so keep that window short.
    number = await next_contract_number(session, utc_today().year)
    contract = Contract(
        contract_number=number,
        client_id=client.id,
        offer_id=offer.id,
        offer_name=offer.name,
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
    await flush_and_refresh(session, contract)
    await _store_document(session, contract, line, client, offer, replaced)
    await record_audit(
        session,
        action="contract.provisioned",
        entity_type="contract",
        entity_id=contract.id,
        after={**contract_summary(contract), "phone_number": line.phone_number},
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
