from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.landing.models import LandingDraft
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, idem, new_subscription, start_in


async def _create(client: httpx.AsyncClient, **answers: object) -> dict[str, object]:
    response = await client.post(f"{LANDING}/drafts", json={"answers": answers})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _expire(session: AsyncSession, draft_id: object) -> None:
    past = datetime.now(UTC) - timedelta(days=8)
    await session.execute(
        update(LandingDraft)
        .where(LandingDraft.id == uuid.UUID(str(draft_id)))
        .values(created_at=past, expires_at=past + timedelta(days=7))
    )


class TestCreateDraft:
    async def test_an_empty_draft_is_allowed_and_expires_in_seven_days(self, client: httpx.AsyncClient) -> None:
        draft = await _create(client)
        assert draft["status"] == "open"
        expires_at = datetime.fromisoformat(str(draft["expires_at"]).replace("Z", "+00:00"))
        created_at = datetime.fromisoformat(str(draft["created_at"]).replace("Z", "+00:00"))
        assert timedelta(days=7) - timedelta(seconds=5) <= expires_at - created_at <= timedelta(days=7, seconds=5)

    async def test_the_id_is_never_logged(self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
        # The id is the only key to the answers: whoever reads the logs must not be able to open drafts.
        caplog.set_level(logging.DEBUG)
        draft = await _create(client, cin="AB123456")
        assert caplog.records
        assert str(draft["id"]) not in caplog.text
        assert all(str(draft["id"]) not in record.getMessage() for record in caplog.records)

    async def test_the_id_is_a_random_uuid(self, client: httpx.AsyncClient) -> None:
        first, second = await _create(client), await _create(client)
        assert uuid.UUID(str(first["id"])).version == 4
        assert first["id"] != second["id"]

    async def test_partial_answers_are_kept_normalised(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile")
        draft = await _create(
            client,
            current_step="numbering",
            cin=" ab123456 ",
            email="Yasmine@Gmail.com",
            phone="06 61 23 45 22",
            offer_id=str(offer.id),
            existing_mobile_local_number="+212 7 61 23 45 22",
        )
        assert draft["answers"] == {
            "current_step": "numbering",
            "cin": "AB123456",
            "email": "yasmine@gmail.com",
            "phone": "+212661234522",
            "offer_id": str(offer.id),
            "existing_mobile_local_number": "+212761234522",
            "first_name": None,
            "last_name": None,
            "address": None,
            "city": None,
            "requested_mobile_local_number": None,
            "home_landline_local_number": None,
            "contract_start_date": None,
            "terms_accepted": None,
        }

    async def test_an_invalid_field_is_refused_with_its_name(self, client: httpx.AsyncClient) -> None:
        for field, value in (
            ("cin", "123456"),
            ("email", "not-an-email"),
            ("existing_mobile_local_number", "05 22 33 44 55"),
            ("home_landline_local_number", "06 55 33 44 22"),
            ("current_step", "payment"),
        ):
            response = await client.post(f"{LANDING}/drafts", json={"answers": {field: value}})
            assert response.status_code == 422, (field, response.text)
            assert response.json()["error"]["details"][0]["loc"] == ["body", "answers", field]

    async def test_an_unknown_field_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.post(f"{LANDING}/drafts", json={"answers": {"favourite_colour": "blue"}})
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "answers", "favourite_colour"]

    async def test_a_start_date_in_the_past_or_too_far_is_refused(self, client: httpx.AsyncClient) -> None:
        for days in (-1, 91):
            response = await client.post(
                f"{LANDING}/drafts", json={"answers": {"contract_start_date": start_in(days).isoformat()}}
            )
            assert response.status_code == 422, response.text
            assert response.json()["error"]["details"][0]["loc"] == ["body", "answers", "contract_start_date"]

    async def test_a_retired_or_unknown_offer_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        retired = await create_offer(session, "mobile", status="retired")
        await session.commit()
        for offer_id in (retired.id, uuid.uuid4()):
            response = await client.post(f"{LANDING}/drafts", json={"answers": {"offer_id": str(offer_id)}})
            assert response.status_code == 422, response.text
            error = response.json()["error"]
            assert error["code"] == "offer_not_available"
            assert error["details"][0]["loc"] == ["body", "answers", "offer_id"]

    async def test_numbers_must_fit_the_offer_category(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        mobile, fiber = await create_offer(session, "mobile"), await create_offer(session, "fiber")
        await session.commit()  # a refused request rolls back only its own work
        response = await client.post(
            f"{LANDING}/drafts",
            json={"answers": {"offer_id": str(fiber.id), "requested_mobile_local_number": "0661000001"}},
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "answers", "requested_mobile_local_number"]
        response = await client.post(
            f"{LANDING}/drafts",
            json={"answers": {"offer_id": str(mobile.id), "home_landline_local_number": "0522334455"}},
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "answers", "home_landline_local_number"]

    async def test_both_mobile_paths_at_once_are_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            f"{LANDING}/drafts",
            json={
                "answers": {
                    "existing_mobile_local_number": "0661000001",
                    "requested_mobile_local_number": "0661000002",
                }
            },
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "answers", "requested_mobile_local_number"]

    async def test_expired_drafts_are_purged_when_a_new_one_is_made(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        old = await _create(client, cin="AB123456")
        await _expire(session, old["id"])
        await _create(client)
        assert await session.scalar(select(LandingDraft).where(LandingDraft.id == uuid.UUID(str(old["id"])))) is None


class TestGetDraft:
    async def test_returns_the_answers(self, client: httpx.AsyncClient) -> None:
        draft = await _create(client, first_name="Yasmine")
        response = await client.get(f"{LANDING}/drafts/{draft['id']}")
        assert response.status_code == 200
        assert response.json()["answers"]["first_name"] == "Yasmine"

    async def test_an_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{LANDING}/drafts/{uuid.uuid4()}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "draft_not_found"

    async def test_an_expired_draft_is_410_draft_expired(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        draft = await _create(client, first_name="Yasmine")
        await _expire(session, draft["id"])
        response = await client.get(f"{LANDING}/drafts/{draft['id']}")
        assert response.status_code == 410
        assert response.json()["error"]["code"] == "draft_expired"


class TestUpdateDraft:
    async def test_replaces_the_answers(self, client: httpx.AsyncClient) -> None:
        draft = await _create(client, first_name="Yasmine", city="Rabat")
        response = await client.put(
            f"{LANDING}/drafts/{draft['id']}", json={"answers": {"first_name": "Yasmine", "last_name": "Benali"}}
        )
        assert response.status_code == 200, response.text
        answers = response.json()["answers"]
        assert answers["last_name"] == "Benali"
        assert answers["city"] is None
        assert (await client.get(f"{LANDING}/drafts/{draft['id']}")).json()["answers"]["last_name"] == "Benali"

    async def test_an_invalid_field_is_refused_and_nothing_changes(self, client: httpx.AsyncClient) -> None:
        draft = await _create(client, phone="0661234522")
        response = await client.put(f"{LANDING}/drafts/{draft['id']}", json={"answers": {"phone": "12345"}})
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "answers", "phone"]
        assert (await client.get(f"{LANDING}/drafts/{draft['id']}")).json()["answers"]["phone"] == "+212661234522"

    async def test_an_expired_draft_cannot_be_updated(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        draft = await _create(client)
        await _expire(session, draft["id"])
        response = await client.put(f"{LANDING}/drafts/{draft['id']}", json={"answers": {"first_name": "Y"}})
        assert response.status_code == 410
        assert response.json()["error"]["code"] == "draft_expired"

    async def test_a_submitted_draft_is_closed_and_emptied(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        body = new_subscription(offer)
        draft = await _create(client, cin=body["cin"], email=body["email"])
        body["draft_id"] = draft["id"]
        submitted = await client.post(f"{LANDING}/submit/new", json=body, headers=idem())
        assert submitted.status_code == 201, submitted.text

        closed = (await client.get(f"{LANDING}/drafts/{draft['id']}")).json()
        assert closed["status"] == "submitted"
        assert closed["contract_id"] == submitted.json()["contract"]["contract_id"]
        assert closed["answers"]["cin"] is None
        response = await client.put(f"{LANDING}/drafts/{draft['id']}", json={"answers": {}})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "draft_already_submitted"
        again = await client.post(f"{LANDING}/submit/new", json={**body, "cin": "ZZ123456"}, headers=idem())
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "draft_already_submitted"
