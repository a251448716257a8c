"""What billing has already invoiced for a contract, as billing reports it.

Billing builds on contracts (its runs read the contract tables), so contracts cannot import billing:
billing registers its readers here through app.wiring, the way modules register client-history checks in
app/customers/history.py; reading them before the wiring completed them raises (never "nothing billed"
by omission). Lifecycle changes use them so that nothing is billed twice: a change dated into days already
invoiced is corrected by a credit note billing issues (within the back-dating limit, for a correction role)
or refused, and an activation fee not billed yet is not lost when its contract is replaced.
The same rule is enforced by triggers of migration 0005 (constraint name `period_already_billed`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.errors import Conflict, field_problem
from app.kit.correlation import current_actor
from app.kit.dates import utc_today
from app.kit.registry import Registry

BilledThrough = Callable[[AsyncSession, uuid.UUID], Awaitable[date | None]]
ActivationBilled = Callable[[AsyncSession, uuid.UUID], Awaitable[bool]]
# (session, contract_id, first day no longer owed, reason, never started) -> numbers of the credit notes issued;
# "never started": the contract ends before its first day, so an activation fee it was invoiced is not owed.
CorrectBilledDays = Callable[[AsyncSession, uuid.UUID, date, str, bool], Awaitable[list[str]]]
# Who may date a change back into invoiced days (it issues a credit note): finance, not front-office alone.
CORRECTION_ROLES = frozenset({"admin", "billing"})


# kind ("invoice") -> reader(session, contract_id)
billed_through_readers: Registry[BilledThrough] = Registry("billed through")
activation_billed_readers: Registry[ActivationBilled] = Registry("activation billed")
# kind ("invoice") -> corrector(session, contract_id, first_day, reason): credit notes for days no longer owed
billed_days_correctors: Registry[CorrectBilledDays] = Registry("billed days correctors")


class PeriodAlreadyBilled(Conflict):
    """A change dated into days already invoiced would bill them twice."""

    code = "period_already_billed"
    message = "The contract's days from this date are already invoiced; corrections are made with a credit note."
    action = "Choose a date after the invoiced days; corrections of billed days are made with a credit note."

    def __init__(self, field: str, requested: date, billed_through: date) -> None:
        message = (
            f"The contract is invoiced through {billed_through.isoformat()}: {field} {requested.isoformat()} "
            "falls inside invoiced days, which would be billed twice. Choose a later date (corrections of "
            "billed days are made with a credit note)."
        )
        super().__init__(
            message,
            details=[
                field_problem(["body", field], message, type_=self.code, billed_through=billed_through.isoformat())
            ],
        )


async def billed_through(session: AsyncSession, contract_id: uuid.UUID) -> date | None:
    """The last day of the contract covered by a legal invoice (None: nothing billed)."""
    days = [day for _, reader in billed_through_readers.items() if (day := await reader(session, contract_id))]
    return max(days, default=None)


async def activation_billed(session: AsyncSession, contract_id: uuid.UUID) -> bool:
    """True when the contract's activation fee is on a legal invoice."""
    return any([await reader(session, contract_id) for _, reader in activation_billed_readers.items()])


async def ensure_unbilled_from(
    session: AsyncSession, contract_id: uuid.UUID, first_day: date, *, field: str, requested: date
) -> None:
    """Refuse (409 period_already_billed naming `field`, which holds `requested`) a change of the contract
    from `first_day` on when a legal invoice already covers that day or a later one."""
    last_billed = await billed_through(session, contract_id)
    if last_billed is not None and last_billed >= first_day:
        raise PeriodAlreadyBilled(field, requested, last_billed)


async def correct_or_refuse(
    session: AsyncSession,
    contract_id: uuid.UUID,
    first_day: date,
    *,
    field: str,
    requested: date,
    reason: str,
    never_started: bool = False,
) -> list[str]:
    """Make the contract's days from `first_day` on unbilled for a change dated back into them: within the
    back-dating limit and for an actor with a correction role, billing credits the invoiced days no longer
    owed (a credit note, in the caller's transaction) and the next run bills what is owed; otherwise 409
    period_already_billed. `never_started` (a termination before the contract's first day) credits an invoiced
    activation fee too. Returns the numbers of the credit notes issued (none when nothing was billed)."""
    last_billed = await billed_through(session, contract_id)
    if last_billed is None or last_billed < first_day:
        return []
    limit = get_settings().billing_correction_max_days
    allowed = bool(current_actor().roles & CORRECTION_ROLES) and (utc_today() - requested).days <= limit
    if not allowed:
        raise PeriodAlreadyBilled(field, requested, last_billed)
    issued: list[str] = []
    for _, correct in billed_days_correctors.items():
        issued.extend(await correct(session, contract_id, first_day, reason, never_started))
    return issued
