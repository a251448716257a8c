"""What billing has already invoiced for a contract, as billing reports it.

Billing builds on contracts (its runs read the contract tables), so contracts cannot import billing:
billing registers its readers here through app.wiring, the way modules register client-history checks in
app/customers/history.py; reading them before the wiring completed them raises (never "nothing billed"
by omission). Lifecycle changes use them so that nothing is billed
twice: a contract cannot end or be suspended inside days already invoiced (corrections of billed days
will be credit notes), and an activation fee not billed yet is not lost when its contract is replaced.
The same rule is enforced by triggers of migration 0005 (constraint name `period_already_billed`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import Conflict
from app.kit.registry import Registry

BilledThrough = Callable[[AsyncSession, uuid.UUID], Awaitable[date | None]]
ActivationBilled = Callable[[AsyncSession, uuid.UUID], Awaitable[bool]]


# kind ("invoice") -> reader(session, contract_id)
billed_through_readers: Registry[BilledThrough] = Registry("billed through")
activation_billed_readers: Registry[ActivationBilled] = Registry("activation billed")


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
                {
                    "loc": ["body", field],
                    "msg": message,
                    "type": self.code,
                    "billed_through": billed_through.isoformat(),
                }
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
