"""Lines (subscribers) for integrations: staff reads, admin-only technical writes under the same rules."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.audit import AuditRecord
from app.kit.dates import utc_today
from tests.fixtures.auth import auth_headers
from tests.fixtures.contracts_factories import (
    create_contract,
    create_subscriber,
    unique_landline_number,
    unique_mobile_number,
)
from tests.fixtures.factories import create_client, create_offer

LINES = "/api/v1/subscribers"


class TestSubscriberReads:
    @pytest.mark.parametrize("role", ["operator", "billing", "collections", "auditor", "admin"])
    async def test_staff_read_roles_list_and_get(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str
    ) -> None:
        line = await create_subscriber(session)
        listed = await client.get(LINES, params={"client_id": str(line.client_id)}, headers=auth_headers(role))
        assert listed.status_code == 200, listed.text
        assert [item["id"] for item in listed.json()["items"]] == [str(line.id)]
        one = await client.get(f"{LINES}/{line.id}", headers=auth_headers(role))
        assert one.status_code == 200
        assert one.json()["phone_number"] == line.phone_number

    async def test_filter_by_number_accepts_any_intake_format(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        line = await create_subscriber(session, phone_number="+212771234500")
        response = await client.get(LINES, params={"phone_number": "07 71 23 45 00"}, headers=auth_headers("operator"))
        assert [item["id"] for item in response.json()["items"]] == [str(line.id)]

    async def test_a_malformed_number_filter_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(LINES, params={"phone_number": "12"}, headers=auth_headers("operator"))
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["query", "phone_number"]

    async def test_an_unknown_line_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{LINES}/{uuid.uuid4()}", headers=auth_headers("operator"))
        assert response.status_code == 404


class TestSubscriberCreate:
    async def test_admin_creates_a_line_with_a_canonical_number(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        response = await client.post(
            LINES,
            json={"client_id": str(owner.id), "service_type": "adsl", "phone_number": "05 22 98 76 54"},
            headers=auth_headers("admin"),
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["phone_number"], body["status"], body["service_type"]) == ("+212522987654", "active", "adsl")
        assert body["activated_on"] == utc_today().isoformat()

    @pytest.mark.parametrize("role", ["operator", "billing", "auditor"])
    async def test_only_admin_writes_lines(self, client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
        owner = await create_client(session)
        response = await client.post(
            LINES,
            json={"client_id": str(owner.id), "service_type": "mobile", "phone_number": unique_mobile_number()},
            headers=auth_headers(role),
        )
        assert response.status_code == 403

    @pytest.mark.parametrize(
        ("service_type", "number"), [("mobile", "0522987654"), ("fiber", "0661234567"), ("landline", "0712345678")]
    )
    async def test_a_number_of_the_wrong_family_is_422_on_phone_number(
        self, client: httpx.AsyncClient, session: AsyncSession, service_type: str, number: str
    ) -> None:
        owner = await create_client(session)
        response = await client.post(
            LINES,
            json={"client_id": str(owner.id), "service_type": service_type, "phone_number": number},
            headers=auth_headers("admin"),
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "phone_number"]

    async def test_a_live_number_is_409_number_unavailable(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        taken = await create_subscriber(session)
        response = await client.post(
            LINES,
            json={"client_id": str(taken.client_id), "service_type": "mobile", "phone_number": taken.phone_number},
            headers=auth_headers("admin"),
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "number_unavailable"

    async def test_a_terminated_client_gets_no_line(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        owner = await create_client(session, status="terminated")
        response = await client.post(
            LINES,
            json={"client_id": str(owner.id), "service_type": "mobile", "phone_number": unique_mobile_number()},
            headers=auth_headers("admin"),
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "client_terminated"


class TestSubscriberUpdate:
    async def test_admin_changes_the_number(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        line = await create_subscriber(session)
        new_number = unique_mobile_number()
        response = await client.patch(
            f"{LINES}/{line.id}", json={"phone_number": new_number}, headers=auth_headers("admin")
        )
        assert response.status_code == 200, response.text
        assert response.json()["phone_number"] == new_number

    async def test_a_number_taken_by_another_live_line_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        line = await create_subscriber(session)
        other = await create_subscriber(session)
        response = await client.patch(
            f"{LINES}/{line.id}", json={"phone_number": other.phone_number}, headers=auth_headers("admin")
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "number_unavailable"

    async def test_a_technology_change_that_breaks_the_live_contract_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session, offer=await create_offer(session, "fiber"))
        response = await client.patch(
            f"{LINES}/{contract.subscriber_id}", json={"service_type": "adsl"}, headers=auth_headers("admin")
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "service_type_incompatible"

    async def test_a_family_change_needs_a_number_of_the_new_family(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        line = await create_subscriber(session, service_type="mobile")
        path = f"{LINES}/{line.id}"
        await session.commit()  # keep the line when the refused request rolls its savepoint back
        refused = await client.patch(path, json={"service_type": "landline"}, headers=auth_headers("admin"))
        assert refused.status_code == 422
        assert refused.json()["error"]["details"][0]["loc"] == ["body", "service_type"]
        accepted = await client.patch(
            path,
            json={"service_type": "landline", "phone_number": unique_landline_number()},
            headers=auth_headers("admin"),
        )
        assert accepted.status_code == 200, accepted.text

    @pytest.mark.parametrize("role", ["operator", "auditor"])
    async def test_only_admin_patches_lines(self, client: httpx.AsyncClient, session: AsyncSession, role: str) -> None:
        line = await create_subscriber(session)
        response = await client.patch(
            f"{LINES}/{line.id}", json={"phone_number": unique_mobile_number()}, headers=auth_headers(role)
        )
        assert response.status_code == 403

    async def test_a_change_is_audited_and_an_empty_one_writes_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        line = await create_subscriber(session)
        new_number = unique_mobile_number()

        async def audited() -> list[tuple[str, str, str]]:
            records = await session.scalars(
                select(AuditRecord).where(AuditRecord.entity_id == str(line.id)).order_by(AuditRecord.id)
            )
            return [(r.action, r.before["phone_number"], r.after["phone_number"]) for r in records]  # type: ignore[index]

        old_number = line.phone_number
        assert (await client.patch(f"{LINES}/{line.id}", json={}, headers=auth_headers("admin"))).status_code == 200
        assert await audited() == []
        changed = await client.patch(
            f"{LINES}/{line.id}", json={"phone_number": new_number}, headers=auth_headers("admin")
        )
        assert changed.status_code == 200
        assert await audited() == [("subscriber.updated", old_number, new_number)]


class TestSubscriberTerminate:
    async def test_a_line_with_a_live_contract_cannot_be_terminated_directly(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        response = await client.post(
            f"{LINES}/{contract.subscriber_id}/terminate", json={}, headers=auth_headers("admin")
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "subscriber_has_live_contract"

    async def test_a_line_without_contract_is_terminated_and_its_number_freed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        line = await create_subscriber(session)
        yesterday = (utc_today() - timedelta(days=1)).isoformat()
        response = await client.post(
            f"{LINES}/{line.id}/terminate", json={"effective_date": yesterday}, headers=auth_headers("admin")
        )
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["terminated_on"]) == ("terminated", yesterday)
        again = await client.post(
            LINES,
            json={"client_id": str(line.client_id), "service_type": "mobile", "phone_number": line.phone_number},
            headers=auth_headers("admin"),
        )
        assert again.status_code == 201, again.text

    async def test_the_last_day_cannot_be_before_the_day_before_the_line_started(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        line = await create_subscriber(session, activated_on=utc_today() - timedelta(days=10))
        too_early = (utc_today() - timedelta(days=12)).isoformat()
        response = await client.post(
            f"{LINES}/{line.id}/terminate", json={"effective_date": too_early}, headers=auth_headers("admin")
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "effective_date"]

    @pytest.mark.parametrize("role", ["operator", "billing", "collections", "auditor"])
    async def test_only_admin_terminates_lines(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str
    ) -> None:
        line = await create_subscriber(session)
        response = await client.post(f"{LINES}/{line.id}/terminate", json={}, headers=auth_headers(role))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"

    async def test_terminating_twice_is_409(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        line = await create_subscriber(session, status="terminated")
        response = await client.post(f"{LINES}/{line.id}/terminate", json={}, headers=auth_headers("admin"))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_status_transition"
