"""Contract lifecycle: suspend, resume and terminate, each refused inside days already invoiced."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.contracts import billed_periods
from app.contracts.common import actor_subject, contract_summary, flush_and_refresh
from app.contracts.exceptions import (
    InvalidStatusTransition,
)
from app.contracts.lines import subscriber_for_update
from app.contracts.models import Contract, ContractSuspension, Subscriber
from app.contracts.reads import get_contract
from app.errors import BusinessValidationError
from app.kit.audit import AuditAction, record_audit
from app.kit.dates import utc_today
from app.kit.locks import lock_client


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
    return contract, await subscriber_for_update(session, contract.subscriber_id)


def not_in_future(effective_date: date) -> None:
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
    action: AuditAction,
    before: dict[str, Any],
    **after_extra: str,
) -> None:
    """The shared end of suspend, resume and terminate: the line's status follows the contract's."""
    actor = actor_subject()
    contract.status = line.status = status
    contract.updated_by = line.updated_by = actor
    await flush_and_refresh(session, contract, line)
    await record_audit(
        session,
        action=action,
        entity_type="contract",
        entity_id=contract.id,
        before=before,
        after={**contract_summary(contract), **after_extra},
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
    not_in_future(effective_date)
    if effective_date < contract.start_date:
        raise BusinessValidationError(["body", "effective_date"], "A contract cannot be suspended before it starts.")
    latest = await _latest_suspension(session, contract.id)
    if latest is not None and latest.resumed_on is not None and effective_date < latest.resumed_on:
        raise BusinessValidationError(
            ["body", "effective_date"],
            f"The previous suspension lasted until {latest.resumed_on.isoformat()}; a new one starts on or after it.",
        )
    # Suspended days are not billed: days already invoiced cannot become suspended ones.
    await billed_periods.correct_or_refuse(
        session,
        contract.id,
        effective_date,
        field="effective_date",
        requested=effective_date,
        reason="Suspension rétroactive",
    )
    before = contract_summary(contract)
    session.add(ContractSuspension(contract_id=contract.id, suspended_from=effective_date, created_by=actor_subject()))
    await _move_contract_and_line(
        session, contract, line, "suspended", "contract.suspended", before, suspended_from=effective_date.isoformat()
    )
    return contract


async def resume_contract(session: AsyncSession, contract_id: uuid.UUID, effective_date: date) -> Contract:
    """Resume a suspended contract on `effective_date` (first day of service again); its line too."""
    contract, line = await _contract_for_change(session, contract_id)
    if contract.status != "suspended":
        raise InvalidStatusTransition(f"Only a suspended contract can be resumed; this one is {contract.status}.")
    not_in_future(effective_date)
    suspension = await _latest_suspension(session, contract.id)
    if suspension is not None and suspension.resumed_on is None:
        if effective_date <= suspension.suspended_from:
            raise BusinessValidationError(
                ["body", "effective_date"],
                f"The suspension started on {suspension.suspended_from.isoformat()}; service resumes after that day.",
            )
        suspension.resumed_on = effective_date
    before = contract_summary(contract)
    await _move_contract_and_line(
        session, contract, line, "active", "contract.resumed", before, resumed_on=effective_date.isoformat()
    )
    return contract


async def terminate_contract(session: AsyncSession, contract_id: uuid.UUID, effective_date: date) -> Contract:
    """End a contract with `effective_date` as its last day of service; its line ends and the number is freed."""
    contract, line = await _contract_for_change(session, contract_id)
    if contract.status == "terminated":
        raise InvalidStatusTransition("This contract is already terminated.")
    not_in_future(effective_date)
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
    await billed_periods.correct_or_refuse(
        session,
        contract.id,
        effective_date + timedelta(days=1),
        field="effective_date",
        requested=effective_date,
        reason="Résiliation rétroactive",
        # Ending the day before it starts cancels the contract: its activation fee was never owed.
        never_started=effective_date < contract.start_date,
    )
    if suspension is not None and suspension.resumed_on is None:
        # The suspension period closes with the contract (resumed_on is exclusive).
        suspension.resumed_on = effective_date + timedelta(days=1)
    before = contract_summary(contract)
    contract.end_date = effective_date
    contract.terminated_at = datetime.now(UTC)
    line.terminated_on = effective_date
    await _move_contract_and_line(
        session, contract, line, "terminated", "contract.terminated", before, phone_number=line.phone_number
    )
    return contract
