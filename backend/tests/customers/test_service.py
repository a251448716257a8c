from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.customers import service
from app.customers.exceptions import ClientCinTaken, ClientNotFound
from app.customers.models import Client
from app.customers.schemas import ClientCreate, ClientUpdate
from app.errors import integrity_error_response
from app.kit.audit import AuditRecord
from app.kit.pagination import PageParams
from tests.fixtures.customers_factories import client_payload
from tests.fixtures.factories import create_client, unique_cin


class TestGetClientByCin:
    async def test_finds_the_live_client_whatever_the_intake_case_and_spacing(self, session: AsyncSession) -> None:
        row = await create_client(session, cin="KB4455")
        assert await service.get_client_by_cin(session, " kb 4455 ") is row

    async def test_ignores_anonymised_clients(self, session: AsyncSession) -> None:
        cin = unique_cin()
        await create_client(session, cin=cin, status="terminated", anonymised_at=datetime.now(UTC))
        assert await service.get_client_by_cin(session, cin) is None

    async def test_malformed_cin_finds_nobody(self, session: AsyncSession) -> None:
        assert await service.get_client_by_cin(session, "not a cin") is None


class TestGetClient:
    async def test_an_unknown_client_is_not_found_an_anonymised_one_is(self, session: AsyncSession) -> None:
        with pytest.raises(ClientNotFound):
            await service.get_client(session, uuid.uuid4())
        # Its invoices still name it: an anonymised client stays readable, with placeholders.
        anonymised = await create_client(session, status="terminated", anonymised_at=datetime.now(UTC))
        assert await service.get_client(session, anonymised.id) is anonymised

    async def test_for_update_returns_the_client(self, session: AsyncSession) -> None:
        row = await create_client(session)
        assert await service.get_client(session, row.id, for_update=True) is row


class TestCreateClient:
    async def test_creates_an_active_client_and_refuses_its_cin_twice(self, session: AsyncSession) -> None:
        payload = ClientCreate.model_validate(client_payload())
        created = await service.create_client(session, payload)
        assert created.status == "active"
        assert created.created_at is not None
        with pytest.raises(ClientCinTaken):
            await service.create_client(session, ClientCreate.model_validate(client_payload(cin=created.cin)))

    async def test_the_live_cin_index_answers_client_cin_taken_when_the_early_check_is_raced(
        self, session: AsyncSession
    ) -> None:
        """Two inserts that both passed the early check: the partial unique index decides, as a 409."""
        cin = unique_cin()
        await create_client(session, cin=cin)
        with pytest.raises(IntegrityError) as caught:
            async with session.begin_nested():
                await create_client(session, cin=cin)
        response = integrity_error_response(caught.value)
        assert response.status_code == 409
        assert b'"code":"client_cin_taken"' in response.body
        assert b'"loc":["body","cin"]' in response.body


class TestUpdateClient:
    async def test_merged_state_is_checked_as_a_whole(self, session: AsyncSession) -> None:
        row = await create_client(session)
        updated = await service.update_client(
            session, row.id, ClientUpdate.model_validate({"last_name": "Chraibi", "phone": "0522334455"})
        )
        assert updated.last_name == "Chraibi"
        assert updated.phone == "+212522334455"


class TestSetClientStatus:
    async def test_collections_sets_and_clears_delinquency_with_audit(self, session: AsyncSession) -> None:
        row = await create_client(session)
        assert (await service.set_client_status(session, row.id, "delinquent")).status == "delinquent"
        assert (await service.set_client_status(session, row.id, "active")).status == "active"
        records = (
            await session.scalars(
                select(AuditRecord).where(AuditRecord.entity_id == str(row.id)).order_by(AuditRecord.id)
            )
        ).all()
        assert [(r.action, r.before, r.after) for r in records] == [
            ("client.status_changed", {"status": "active"}, {"status": "delinquent"}),
            ("client.status_changed", {"status": "delinquent"}, {"status": "active"}),
        ]

    async def test_setting_the_current_status_writes_nothing(self, session: AsyncSession) -> None:
        row = await create_client(session)
        await service.set_client_status(session, row.id, "active")
        assert (await session.scalars(select(AuditRecord).where(AuditRecord.entity_id == str(row.id)))).all() == []

    async def test_unknown_status_is_a_programming_error(self, session: AsyncSession) -> None:
        row = await create_client(session)
        with pytest.raises(ValueError, match="unknown client status"):
            await service.set_client_status(session, row.id, "closed")

    async def test_unknown_client_is_not_found(self, session: AsyncSession) -> None:
        with pytest.raises(ClientNotFound):
            await service.set_client_status(session, uuid.uuid4(), "delinquent")


class TestListClients:
    async def test_filters_and_counts(self, session: AsyncSession) -> None:
        city = f"Svc-{uuid.uuid4().hex[:8]}"
        first = await create_client(session, city=city)
        await create_client(session, city=city, status="terminated")
        rows, total = await service.list_clients(session, PageParams(limit=10, offset=0), city=city, status="active")
        assert total == 1
        assert [r.id for r in rows] == [first.id]

    async def test_newest_first(self, session: AsyncSession) -> None:
        city = f"Order-{uuid.uuid4().hex[:8]}"
        older = await create_client(session, city=city, created_at=datetime(2024, 1, 1, tzinfo=UTC))
        newer = await create_client(session, city=city, created_at=datetime(2025, 1, 1, tzinfo=UTC))
        rows, _ = await service.list_clients(session, PageParams(), city=city)
        assert [r.id for r in rows] == [newer.id, older.id]
        assert all(isinstance(r, Client) for r in rows)

    async def test_a_search_counts_every_match_on_each_page_and_past_the_last(self, session: AsyncSession) -> None:
        # The search counts in its page's own query: the count must still be of all matches, not of the page,
        # and a page past the end (no rows to carry the count) still says how many there are.
        surname = f"Zerhouni{uuid.uuid4().hex[:8]}"
        made = [
            await create_client(session, last_name=surname, created_at=datetime(2025, 1, day, tzinfo=UTC))
            for day in (1, 2, 3)
        ]
        await create_client(session, last_name="Unrelated")
        newest_first = [row.id for row in reversed(made)]

        pages = [
            await service.list_clients(session, PageParams(limit=2, offset=offset), q=surname) for offset in (0, 2, 4)
        ]

        assert [([r.id for r in rows], total) for rows, total in pages] == [
            (newest_first[:2], 3),
            (newest_first[2:], 3),
            ([], 3),
        ]
        assert await service.list_clients(session, PageParams(), q=f"{surname}-nobody") == ([], 0)
