"""Which legal wording a client accepted online is kept with the contract it was accepted for (issue 13)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.contracts.models import Contract
from app.customers.models import Client
from app.kit.audit import AuditRecord
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, idem, new_subscription

SUBMIT = f"{LANDING}/submit/new"
TERMS = "terms_of_subscription"


async def _bootstrap_texts(client: httpx.AsyncClient, lang: str) -> list[dict[str, str]]:
    response = await client.get(f"{LANDING}/bootstrap", params={"lang": lang})
    assert response.status_code == 200, response.text
    return [
        {"id": text["id"], "version": text["version"], "language": text["language"]}
        for text in response.json()["legal_texts"]
    ]


async def _acceptances(session: AsyncSession, client_id: object) -> list[AuditRecord]:
    return list(
        await session.scalars(
            select(AuditRecord).where(
                AuditRecord.action == "client.legal_texts_accepted", AuditRecord.entity_id == str(client_id)
            )
        )
    )


async def _counts(session: AsyncSession) -> tuple[int, int]:
    clients = await session.scalar(select(func.count()).select_from(Client))
    contracts = await session.scalar(select(func.count()).select_from(Contract))
    return int(clients or 0), int(contracts or 0)


class TestLegalAcceptance:
    async def test_the_texts_shown_in_arabic_are_recorded_with_the_contract(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        accepted = await _bootstrap_texts(client, "ar")
        assert accepted
        assert {text["language"] for text in accepted} == {"ar"}

        response = await client.post(
            SUBMIT, json=new_subscription(offer, cin="LA100200", accepted_legal_texts=accepted), headers=idem()
        )

        assert response.status_code == 201, response.text
        contract = response.json()["contract"]
        stored = await session.scalar(select(Client).where(Client.cin == "LA100200"))
        assert stored is not None
        [record] = await _acceptances(session, stored.id)
        assert (record.entity_type, record.role) == ("client", "landing")
        assert record.after == {
            "contract_id": contract["contract_id"],
            "contract_number": contract["contract_number"],
            "legal_texts": accepted,
        }

    async def test_without_the_list_the_current_versions_are_recorded_language_unstated(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        current = await _bootstrap_texts(client, "fr")

        response = await client.post(SUBMIT, json=new_subscription(offer, cin="LA100201"), headers=idem())

        assert response.status_code == 201, response.text
        stored = await session.scalar(select(Client).where(Client.cin == "LA100201"))
        assert stored is not None
        [record] = await _acceptances(session, stored.id)
        assert record.after is not None
        assert record.after["legal_texts"] == [{**text, "language": None} for text in current]

    async def test_an_outdated_version_is_a_409_naming_it_and_nothing_is_written(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        accepted = await _bootstrap_texts(client, "fr")
        accepted[0] = {**accepted[0], "version": "2025-01"}
        before = await _counts(session)

        response = await client.post(
            SUBMIT, json=new_subscription(offer, cin="LA100202", accepted_legal_texts=accepted), headers=idem()
        )

        assert response.status_code == 409, response.text
        error = response.json()["error"]
        assert error["code"] == "legal_text_outdated"
        assert error["details"][0]["loc"] == ["body", "accepted_legal_texts", 0, "version"]
        assert await _counts(session) == before

    async def test_the_list_must_name_every_current_text_once_in_one_language(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer_id = (await create_offer(session, "mobile")).id  # the failed requests expire the session's objects
        french = await _bootstrap_texts(client, "fr")
        english = await _bootstrap_texts(client, "en")
        assert len(french) >= 2, "mixing languages needs two texts"
        before = await _counts(session)
        field: list[str | int] = ["body", "accepted_legal_texts"]
        cases: list[tuple[list[dict[str, Any]], list[list[str | int]]]] = [
            ([], [field]),
            ([*french, {"id": "cookie_policy", "version": "1", "language": "fr"}], [[*field, len(french), "id"]]),
            ([*french, french[0]], [[*field, len(french), "id"]]),
            ([*french[:-1], english[-1]], [[*field, len(french) - 1, "language"]]),
        ]
        for accepted, locs in cases:
            response = await client.post(
                SUBMIT, json=new_subscription(offer_id, accepted_legal_texts=accepted), headers=idem()
            )
            assert response.status_code == 422, (accepted, response.text)
            error = response.json()["error"]
            assert error["code"] == "validation_error"
            assert [detail["loc"] for detail in error["details"]] == locs
        assert await _counts(session) == before

    async def test_a_language_outside_the_journeys_is_a_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        accepted = [{"id": TERMS, "version": "2026-11", "language": "de"}]
        response = await client.post(
            SUBMIT, json=new_subscription(offer, accepted_legal_texts=accepted), headers=idem()
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["loc"] == ["body", "accepted_legal_texts", 0, "language"]

    async def test_after_an_outdated_version_the_same_key_subscribes_with_the_current_texts(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer_id = (await create_offer(session, "mobile")).id
        current = await _bootstrap_texts(client, "fr")
        body = new_subscription(offer_id, cin="LA100204")
        key = idem()

        refused = await client.post(
            SUBMIT,
            json={**body, "accepted_legal_texts": [{**current[0], "version": "2025-01"}, *current[1:]]},
            headers=key,
        )
        accepted = await client.post(SUBMIT, json={**body, "accepted_legal_texts": current}, headers=key)

        assert refused.status_code == 409, refused.text
        assert accepted.status_code == 201, accepted.text
        stored = await session.scalar(select(Client).where(Client.cin == "LA100204"))
        assert stored is not None
        [record] = await _acceptances(session, stored.id)
        assert record.after is not None
        assert record.after["legal_texts"] == current

    async def test_a_replay_in_another_language_answers_once_and_keeps_the_first_record(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        accepted = await _bootstrap_texts(client, "en")
        body = new_subscription(offer, cin="LA100203", accepted_legal_texts=accepted)
        key = idem()

        first = await client.post(SUBMIT, json=body, headers=key)
        in_french = {**body, "accepted_legal_texts": await _bootstrap_texts(client, "fr")}
        second = await client.post(SUBMIT, json=in_french, headers=key)

        assert (first.status_code, second.status_code) == (201, 201), second.text
        assert second.headers["Idempotent-Replayed"] == "true"
        assert first.json() == second.json()
        stored = await session.scalar(select(Client).where(Client.cin == "LA100203"))
        assert stored is not None
        [record] = await _acceptances(session, stored.id)
        assert record.after is not None
        assert record.after["legal_texts"] == accepted
