"""Anonymisation (law 09-08): a terminated client with nothing outstanding loses its personal data for good,
in the clients table and in landing drafts; invoices stay untouched; admin only, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.models import Invoice
from app.customers import service
from app.customers.models import Client
from app.kit.audit import AuditRecord
from app.landing.models import LandingDraft
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client, unique_cin

ADMIN = auth_headers("admin")
CLIENTS = "/api/v1/clients"


def _draft(cin: str) -> LandingDraft:
    answers = {"cin": cin, "first_name": "Youssef", "email": "y@example.ma", "phone": "+212612345678", "city": "Fès"}
    now = datetime.now(UTC)
    return LandingDraft(
        status="open", answers={**answers, "current_step": "contact"}, expires_at=now + timedelta(days=3)
    )


class TestAnonymise:
    async def test_a_terminated_client_loses_names_cin_contacts_and_address_here_and_in_drafts(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        cin = unique_cin()
        row = await create_client(session, cin=cin, status="terminated")
        draft = _draft(cin)
        other = _draft(unique_cin())
        session.add_all([draft, other])
        await session.flush()

        response = await client.post(f"{CLIENTS}/{row.id}/anonymise", headers=ADMIN)

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["cin"] != cin
        assert body["cin"].startswith("ZZ")
        assert (body["first_name"], body["last_name"]) == ("Anonymised", "client")
        assert (body["email"], body["phone"], body["address"], body["city"]) == (None, None, None, None)
        assert body["anonymised_at"] is not None
        await session.refresh(draft)
        await session.refresh(other)
        assert draft.answers == {"current_step": "contact"}
        assert other.answers["first_name"] == "Youssef", "drafts of other CINs are untouched"
        assert await service.get_client_by_cin(session, cin) is None
        audit = await session.scalar(select(AuditRecord).where(AuditRecord.action == "client.anonymised"))
        assert audit is not None
        assert audit.entity_id == str(row.id)
        assert cin not in str(audit.after)
        assert audit.after["copies_erased"] == {"landing_draft": 1}

    async def test_the_cin_of_an_anonymised_client_can_be_given_to_a_new_client(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        cin = unique_cin()
        row = await create_client(session, cin=cin, status="terminated")
        await service.anonymise_client(session, row.id)
        created = await client.post(
            CLIENTS,
            json={"kind": "individual", "cin": cin, "first_name": "Salma", "last_name": "Bennani"},
            headers=auth_headers("operator"),
        )
        assert created.status_code == 201, created.text

    async def test_invoices_stay_untouched(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session, status="terminated")
        invoice = await create_invoice(session, row, due_date=date(2026, 10, 15), paid_amount="120.00", status="paid")
        before = (invoice.invoice_number, invoice.total, invoice.client_id)
        response = await client.post(f"{CLIENTS}/{row.id}/anonymise", headers=ADMIN)
        assert response.status_code == 200, response.text
        stored = await session.scalar(
            select(Invoice).where(Invoice.id == invoice.id).execution_options(populate_existing=True)
        )
        assert stored is not None
        assert (stored.invoice_number, stored.total, stored.client_id) == before

    async def test_a_client_still_owing_money_is_refused_and_nothing_changes(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session, status="terminated")
        await create_invoice(session, row, due_date=date(2026, 10, 15), paid_amount="20.00")
        response = await client.post(f"{CLIENTS}/{row.id}/anonymise", headers=ADMIN)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "client_has_outstanding_balance"
        assert response.json()["error"]["details"][0]["msg"] == "outstanding invoice"
        await session.refresh(row)
        assert row.anonymised_at is None
        assert row.first_name == "Youssef"

    async def test_a_client_not_terminated_is_refused(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session)
        response = await client.post(f"{CLIENTS}/{row.id}/anonymise", headers=ADMIN)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "client_not_terminated"

    async def test_anonymising_twice_is_refused(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session, status="terminated")
        assert (await client.post(f"{CLIENTS}/{row.id}/anonymise", headers=ADMIN)).status_code == 200
        again = await client.post(f"{CLIENTS}/{row.id}/anonymise", headers=ADMIN)
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "client_already_anonymised"

    async def test_only_an_admin_anonymises(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session, status="terminated")
        row_id = row.id
        await session.commit()  # keeps the row through the refused request's rollback
        response = await client.post(f"{CLIENTS}/{row_id}/anonymise", headers=auth_headers("operator"))
        assert response.status_code == 403
        kept = await session.execute(select(Client.first_name, Client.anonymised_at).where(Client.id == row_id))
        assert kept.one() == ("Youssef", None)
