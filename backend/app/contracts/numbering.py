"""Contract numbers (CT-YYYY-NNNNNN, gapless) and line numbers (allocation and reservation without collisions)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.contracts.exceptions import NumberPoolExhausted, NumberUnavailable
from app.contracts.models import ContractNumberCounter, NumberAllocationCursor, Subscriber
from app.kit.locks import LockNamespace, lock, try_lock

_SCAN_WINDOW = 1000
_FREE_NUMBERS_IN_WINDOW = text(
    """
    SELECT n FROM generate_series(CAST(:low AS bigint), CAST(:high AS bigint)) AS n
    WHERE NOT EXISTS (
        SELECT 1 FROM subscribers s
        WHERE s.phone_number = '+212' || n::text AND s.status <> 'terminated'
    )
    ORDER BY n
    LIMIT 64
    """
)


async def next_contract_number(session: AsyncSession, year: int) -> str:
    """The next contract number of `year`; the counter row stays locked until commit, so numbers have no gaps."""
    statement = (
        insert(ContractNumberCounter)
        .values(year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[ContractNumberCounter.year],
            set_={"last_value": ContractNumberCounter.last_value + 1},
        )
        .returning(ContractNumberCounter.last_value)
    )
    value = (await session.execute(statement)).scalar_one()
    return f"CT-{year}-{value:06d}"


async def reserve_number(session: AsyncSession, canonical: str, *, field: str = "phone_number") -> None:
    """Hold `canonical` for this transaction, or NumberUnavailable when a live line already has it.

    The per-number lock makes two transactions wanting the same free number queue up: the second one
    sees the first one's line once it commits. The partial unique index is the last safeguard.
    """
    await lock(session, LockNamespace.NUMBER_ALLOCATION, canonical)
    if await number_is_live(session, canonical):
        raise NumberUnavailable(field)


async def number_is_live(session: AsyncSession, canonical: str) -> bool:
    """True when a non-terminated line has this number."""
    live = select(Subscriber.id).where(Subscriber.phone_number == canonical, Subscriber.status != "terminated")
    return bool(await session.scalar(select(exists(live))))


@dataclass(frozen=True)
class NumberPool:
    """An inclusive range of national significant numbers handed out in order."""

    name: str
    first: int
    last: int


def mobile_pool() -> NumberPool:
    settings = get_settings()
    return NumberPool("mobile", settings.mobile_number_pool_first, settings.mobile_number_pool_last)


def _windows(start: int, pool: NumberPool) -> list[tuple[int, int]]:
    """Scan windows from the cursor to the end of the pool, then from the beginning back to the cursor."""
    spans = [(start, pool.last)] + ([(pool.first, start - 1)] if start > pool.first else [])
    windows = []
    for low, high in spans:
        for window_low in range(low, high + 1, _SCAN_WINDOW):
            windows.append((window_low, min(window_low + _SCAN_WINDOW - 1, high)))
    return windows


async def allocate_number(session: AsyncSession, pool: NumberPool | None = None) -> str:
    """The first free number at or after the pool's cursor (wrapping once), held for this transaction.

    Deterministic: with no concurrent reservation the answer depends only on the cursor and the live
    lines. The cursor row lock serialises allocators; numbers a concurrent request is reserving are
    skipped (try-lock) rather than waited for. The cursor moves on, so a freed number is reused only
    after the pool has wrapped around.
    """
    pool = pool or mobile_pool()
    await session.execute(
        insert(NumberAllocationCursor).values(pool=pool.name, next_number=pool.first).on_conflict_do_nothing()
    )
    cursor = (
        await session.execute(
            select(NumberAllocationCursor)
            .where(NumberAllocationCursor.pool == pool.name)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    start = cursor.next_number if pool.first <= cursor.next_number <= pool.last else pool.first
    for low, high in _windows(start, pool):
        free = (await session.execute(_FREE_NUMBERS_IN_WINDOW, {"low": low, "high": high})).scalars().all()
        for national in free:
            canonical = f"+212{national}"
            # The scan's snapshot may be stale: a reservation of this number can have committed between the
            # scan and the try-lock (its lock is then free again), so look once more while holding the lock.
            if await try_lock(session, LockNamespace.NUMBER_ALLOCATION, canonical) and not await number_is_live(
                session, canonical
            ):
                cursor.next_number = national + 1 if national < pool.last else pool.first
                await session.flush()
                return canonical
    raise NumberPoolExhausted()
