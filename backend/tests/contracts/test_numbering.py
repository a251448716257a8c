"""Contract numbers and the mobile number allocator."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Connection, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.contracts.exceptions import NumberPoolExhausted, NumberUnavailable
from app.contracts.numbering import NumberPool, allocate_number, next_contract_number, reserve_number
from app.errors import integrity_error_response
from tests.fixtures.contracts_factories import create_subscriber
from tests.fixtures.factories import create_client


def _pool(first: int, last: int) -> NumberPool:
    # A pool of its own per test, so cursors never interfere.
    return NumberPool(f"test-{uuid.uuid4().hex[:12]}", first, last)


class TestContractNumbers:
    async def test_numbers_have_the_year_and_six_digits_and_follow_each_other(self, session: AsyncSession) -> None:
        first = await next_contract_number(session, 2091)
        second = await next_contract_number(session, 2091)
        assert (first, second) == ("CT-2091-000001", "CT-2091-000002")

    async def test_each_year_has_its_own_sequence(self, session: AsyncSession) -> None:
        await next_contract_number(session, 2092)
        assert await next_contract_number(session, 2093) == "CT-2093-000001"

    async def test_a_rolled_back_allocation_leaves_no_gap(self, session: AsyncSession) -> None:
        assert await next_contract_number(session, 2094) == "CT-2094-000001"
        savepoint = await session.begin_nested()
        assert await next_contract_number(session, 2094) == "CT-2094-000002"
        await savepoint.rollback()
        assert await next_contract_number(session, 2094) == "CT-2094-000002"


class TestMobileAllocator:
    async def test_numbers_are_handed_out_in_order_from_the_start_of_the_pool(self, session: AsyncSession) -> None:
        pool = _pool(611_000_000, 611_000_099)
        assert [await allocate_number(session, pool) for _ in range(3)] == [
            "+212611000000",
            "+212611000001",
            "+212611000002",
        ]

    async def test_numbers_of_live_lines_are_skipped(self, session: AsyncSession) -> None:
        pool = _pool(612_000_000, 612_000_099)
        await create_subscriber(session, phone_number="+212612000000")
        await create_subscriber(session, phone_number="+212612000001", status="suspended")
        await create_subscriber(session, phone_number="+212612000002", status="terminated")
        assert await allocate_number(session, pool) == "+212612000002"

    async def test_the_scan_wraps_to_the_start_of_the_pool_once(self, session: AsyncSession) -> None:
        pool = _pool(613_000_000, 613_000_002)
        allocated = [await allocate_number(session, pool) for _ in range(3)]
        for number in allocated[:2]:
            await create_subscriber(session, phone_number=number)
        await create_subscriber(session, phone_number=allocated[2], status="terminated")
        # The cursor is back at the start; the first free number is the third one (terminated line).
        assert await allocate_number(session, pool) == "+212613000002"

    async def test_a_full_pool_is_refused(self, session: AsyncSession) -> None:
        pool = _pool(614_000_000, 614_000_001)
        await create_subscriber(session, phone_number="+212614000000")
        await create_subscriber(session, phone_number="+212614000001")
        with pytest.raises(NumberPoolExhausted) as caught:
            await allocate_number(session, pool)
        assert (caught.value.status_code, caught.value.code) == (409, "number_pool_exhausted")

    async def test_scans_cross_window_boundaries(self, session: AsyncSession) -> None:
        pool = _pool(615_000_000, 615_002_500)
        from app.contracts.models import NumberAllocationCursor

        session.add(NumberAllocationCursor(pool=pool.name, next_number=615_000_999))
        await session.flush()
        await create_subscriber(session, phone_number="+212615000999")
        assert await allocate_number(session, pool) == "+212615001000"

    async def test_a_number_taken_between_the_scan_and_the_lock_is_not_handed_out(self, session: AsyncSession) -> None:
        # Replays the window where a concurrent reservation commits (and frees its lock) after the scan
        # listed the number as free: the line appears right after the scan, and the try-lock succeeds.
        pool = _pool(616_000_000, 616_000_099)
        owner = await create_client(session)
        connection = (await session.connection()).sync_connection
        assert connection is not None
        planted: list[str] = []

        def plant_line_after_scan(conn: Connection, cursor: object, statement: str, *_: object) -> None:
            if "generate_series" in statement and not planted:
                planted.append("+212616000000")
                conn.exec_driver_sql(
                    "INSERT INTO subscribers (client_id, service_type, phone_number, status, activated_on) "
                    f"VALUES ('{owner.id}', 'mobile', '+212616000000', 'active', DATE '2026-01-01')"
                )

        event.listen(connection, "after_cursor_execute", plant_line_after_scan)
        try:
            allocated = await allocate_number(session, pool)
        finally:
            event.remove(connection, "after_cursor_execute", plant_line_after_scan)

        assert planted == ["+212616000000"]
        assert allocated == "+212616000001"


class TestReservation:
    async def test_a_live_number_cannot_be_reserved(self, session: AsyncSession) -> None:
        line = await create_subscriber(session)
        with pytest.raises(NumberUnavailable) as caught:
            await reserve_number(session, line.phone_number, field="requested_mobile_local_number")
        assert caught.value.details[0]["loc"] == ["body", "requested_mobile_local_number"]

    async def test_the_unique_index_maps_to_number_unavailable(self, session: AsyncSession) -> None:
        line = await create_subscriber(session)
        with pytest.raises(IntegrityError) as caught:
            async with session.begin_nested():
                await create_subscriber(session, phone_number=line.phone_number)
        response = integrity_error_response(caught.value)
        assert response.status_code == 409
        assert b'"number_unavailable"' in response.body
