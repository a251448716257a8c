"""Provisioning decisions (spec 5.2): what a request means, a new line or a plan change on which contract.

Nothing is written here; provisioning.py carries the decision out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.models import Offer
from app.contracts.common import COMPATIBLE_SERVICE_TYPES, is_compatible
from app.contracts.exceptions import (
    ContractNotActive,
    InvalidTargetContract,
    NoContractToChange,
    NumberMismatch,
    NumberUnavailable,
    OfferAlreadySubscribed,
    ProvisioningAmbiguous,
    ServiceTypeIncompatible,
)
from app.contracts.lines import live_contract_of, subscriber_for_update
from app.contracts.models import Contract, Subscriber
from app.contracts.schemas import (
    ContractProvisionRequest,
)
from app.errors import BusinessValidationError


@dataclass(frozen=True)
class _Plan:
    """What provisioning will do: replace `contract` on `subscriber`, or create a contract (on a new line
    when `subscriber` is None)."""

    contract: Contract | None
    subscriber: Subscriber | None


def given_numbers(request: ContractProvisionRequest, offer: Offer) -> list[tuple[str, str]]:
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


async def decide(
    session: AsyncSession, request: ContractProvisionRequest, offer: Offer, given: list[tuple[str, str]]
) -> _Plan:
    """The plan for a request, in order: an explicit target contract, an explicit new line, a line named
    by one of the numbers given, then the client's compatible contracts."""
    if request.target_contract_id is not None:
        return await _plan_on_target(session, request, offer, given)
    if request.intent == "new_line":
        return _Plan(None, None)
    by_number = await _plan_by_given_number(session, request, offer, given)
    if by_number is not None:
        return by_number
    return await _plan_by_candidates(session, request, offer, given)


async def _plan_by_given_number(
    session: AsyncSession, request: ContractProvisionRequest, offer: Offer, given: list[tuple[str, str]]
) -> _Plan | None:
    """The plan on the client's live line that carries one of the numbers given (None: no such line)."""
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
        live = await live_contract_of(session, holder.id)
        if live is None:
            if holder.status != "active":
                raise ContractNotActive(f"Line {number} is {holder.status}.", name)
            if request.intent == "change_plan":
                raise NoContractToChange(f"Line {number} has no contract to change.", name)
            # A line of the client without a contract (made by an admin): the new contract reuses it.
            return _Plan(None, holder)
        _ensure_changeable(live, holder, offer, name)
        return _Plan(live, holder)
    return None


async def _plan_by_candidates(
    session: AsyncSession, request: ContractProvisionRequest, offer: Offer, given: list[tuple[str, str]]
) -> _Plan:
    """The plan among the client's active contracts compatible with the offer: none gives a new line, one
    is changed, several are ambiguous (the caller chooses with target_contract_id)."""
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
    subscriber = await subscriber_for_update(session, contract.subscriber_id)
    _ensure_changeable(contract, subscriber, offer, "target_contract_id")
    for name, number in given:
        if number != subscriber.phone_number:
            raise NumberMismatch(["body", name], f"This number is not the line of contract {contract.contract_number}.")
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


async def _live_line_by_number(session: AsyncSession, number: str, client_id: uuid.UUID) -> Subscriber | None:
    holder = await session.scalar(
        select(Subscriber).where(Subscriber.phone_number == number, Subscriber.status != "terminated")
    )
    # Only the client's own lines are locked: another client's line is just reported as taken.
    if holder is None or holder.client_id != client_id:
        return holder
    return await subscriber_for_update(session, holder.id)


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
