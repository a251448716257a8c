from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections.models import OutboxEvent
from app.config import get_settings
from app.contracts.models import Contract, Subscriber
from app.customers.models import Client
from app.kit.audit import AuditRecord
from tests.fixtures.factories import create_client, create_offer
from tests.fixtures.landing_factories import LANDING, idem, landing_landline, landing_mobile, new_subscription, start_in

SUBMIT = f"{LANDING}/submit/new"


async def _submit(client: httpx.AsyncClient, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    return await client.post(SUBMIT, json=body, headers=idem(key))


def _field(response: httpx.Response) -> list[Any]:
    return list(response.json()["error"]["details"][0]["loc"])


class TestSubmitNew:
    async def test_creates_the_client_and_a_new_mobile_line_with_an_allocated_number(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        body = new_subscription(offer, cin="yb482913", email="yasmine.benali@gmail.com", phone="06 61 23 45 22")

        response = await _submit(client, body)

        assert response.status_code == 201, response.text
        answer = response.json()
        contract = answer["contract"]
        assert contract["contract_number"].startswith("CT-")
        assert contract["decision"] == "created"
        assert contract["start_date"] == body["contract_start_date"]
        assert contract["offer"]["id"] == str(offer.id)
        assert contract["monthly_fee"] == "199.00"
        assert contract["masked_line_number"].startswith("+212 6** ** ** ")
        assert answer["client"] == {
            "masked_cin": "YB****13",
            "masked_email": "y***@gmail.com",
            "masked_phone": "+212 6** ** ** 22",
            "reused_existing_client": False,
        }
        assert answer["document"]["url"].startswith(f"{LANDING}/contracts/{contract['contract_id']}/document?token=")
        for raw in ("YB482913", "yasmine.benali@gmail.com", "661234522"):
            assert raw not in response.text

        stored = await session.scalar(select(Client).where(Client.cin == "YB482913"))
        assert stored is not None
        assert (stored.first_name, stored.email, stored.phone) == (
            "Yasmine",
            "yasmine.benali@gmail.com",
            "+212661234522",
        )
        assert stored.created_by == "landing:YB****13"
        audit = await session.scalar(
            select(AuditRecord).where(
                AuditRecord.action == "contract.provisioned", AuditRecord.entity_id == contract["contract_id"]
            )
        )
        assert audit is not None
        assert (audit.actor, audit.role) == ("landing:YB****13", "landing")

    async def test_keeps_the_mobile_number_the_client_brings(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        number = landing_mobile()
        response = await _submit(client, new_subscription(offer, existing_mobile_local_number=number))
        assert response.status_code == 201, response.text
        line = await session.scalar(
            select(Subscriber)
            .join(Contract, Contract.subscriber_id == Subscriber.id)
            .where(Contract.id == uuid.UUID(response.json()["contract"]["contract_id"]))
        )
        assert line is not None
        assert line.phone_number == "+212" + number.replace(" ", "")[1:]

    async def test_an_internet_offer_uses_the_home_landline(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "fiber")
        number = landing_landline()
        response = await _submit(client, new_subscription(offer, home_landline_local_number=number))
        assert response.status_code == 201, response.text
        assert response.json()["contract"]["service_type"] == "fiber"
        assert response.json()["contract"]["masked_line_number"].startswith("+212 5** ** ** ")

    @pytest.mark.parametrize(
        "intake", ["+212 7 69 55 44 22", "07 69 55 44 22", "0769554422", "212769554422", "+212769554422"]
    )
    async def test_every_intake_format_of_the_spec_is_accepted(
        self, client: httpx.AsyncClient, session: AsyncSession, intake: str
    ) -> None:
        offer = await create_offer(session, "mobile")
        response = await _submit(client, new_subscription(offer, requested_mobile_local_number=intake))
        assert response.status_code == 201, response.text
        line = await session.scalar(select(Subscriber).where(Subscriber.phone_number == "+212769554422"))
        assert line is not None

    @pytest.mark.parametrize(
        "intake", ["+212 5 39 71 44 22", "05 39 71 44 22", "0539714422", "212539714422", "00212539714422"]
    )
    async def test_every_intake_format_is_accepted_for_the_home_landline(
        self, client: httpx.AsyncClient, session: AsyncSession, intake: str
    ) -> None:
        offer = await create_offer(session, "adsl")
        response = await _submit(client, new_subscription(offer, home_landline_local_number=intake))
        assert response.status_code == 201, response.text
        line = await session.scalar(select(Subscriber).where(Subscriber.phone_number == "+212539714422"))
        assert line is not None

    async def test_a_landline_of_the_8_family_is_a_home_landline(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "landline")
        response = await _submit(client, new_subscription(offer, home_landline_local_number="08 08 71 44 22"))
        assert response.status_code == 201, response.text
        assert response.json()["contract"]["masked_line_number"] == "+212 8** ** ** 22"

    async def test_reuses_the_client_holding_the_cin_without_changing_it(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        existing = await create_client(
            session, cin="YB482920", first_name="Yasmine", last_name="Benali", email="old@example.ma"
        )
        offer = await create_offer(session, "mobile")
        body = new_subscription(
            offer, cin="YB482920", first_name="YASMINE", last_name="benali", email="new.address@gmail.com"
        )

        response = await _submit(client, body)

        assert response.status_code == 201, response.text
        assert response.json()["client"]["reused_existing_client"] is True
        await session.refresh(existing)
        assert existing.email == "old@example.ma"
        assert await session.scalar(select(func.count()).select_from(Client).where(Client.cin == "YB482920")) == 1
        contract = await session.get(Contract, uuid.UUID(response.json()["contract"]["contract_id"]))
        assert contract is not None
        assert contract.client_id == existing.id

    async def test_a_different_identity_for_an_existing_cin_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_client(session, cin="YB482921", first_name="Yasmine", last_name="Benali")
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()

        response = await _submit(client, new_subscription(offer, cin="YB482921", first_name="Karim"))

        assert response.status_code == 409
        # The same answer as every refusal tied to the CIN's holder (issue 9, item 9).
        assert response.json()["error"]["code"] == "subscription_refused"
        assert "YB482921" not in response.text
        assert (
            await session.scalar(select(func.count()).select_from(Contract).where(Contract.offer_id == offer_id)) == 0
        )

    async def test_an_existing_client_with_a_live_line_gets_a_new_line_not_a_plan_change(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer, other_offer = await create_offer(session, "mobile"), await create_offer(session, "mobile")
        first = await _submit(client, new_subscription(offer, cin="YB482922"))
        assert first.status_code == 201, first.text
        second = await _submit(client, new_subscription(other_offer, cin="YB482922"))
        assert second.status_code == 201, second.text
        assert second.json()["contract"]["decision"] == "created"
        old = await session.get(Contract, uuid.UUID(first.json()["contract"]["contract_id"]))
        assert old is not None
        assert old.status == "active"


class TestSubmitNewIdempotency:
    async def test_the_same_key_and_body_replays_without_writing_again(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        body = new_subscription(offer)
        first = await _submit(client, body, key="landing-key-1")
        replay = await _submit(client, body, key="landing-key-1")
        assert first.status_code == replay.status_code == 201
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
        assert (
            await session.scalar(select(func.count()).select_from(Contract).where(Contract.offer_id == offer.id)) == 1
        )

    async def test_the_same_key_with_another_body_is_a_conflict(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        body = new_subscription(offer)
        assert (await _submit(client, body, key="landing-key-2")).status_code == 201
        await session.commit()
        response = await _submit(client, {**body, "city": "Fès"}, key="landing-key-2")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_conflict"

    async def test_a_key_is_required(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile")
        response = await client.post(SUBMIT, json=new_subscription(offer))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"


class TestSubmitNewUnderOtp:
    """An existing client subscribing under the `otp` policy: the wizard's path after a refusal."""

    @pytest.fixture(autouse=True)
    def otp_policy(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(get_settings(), "landing_verification", "otp")

    async def _code_sent_to(self, session: AsyncSession, client_id: uuid.UUID) -> str | None:
        events = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "landing.otp_requested").order_by(OutboxEvent.created_at)
        )
        codes = [event.payload["code"] for event in events if event.payload["client_id"] == str(client_id)]
        return codes[-1] if codes else None

    async def test_refused_then_verified_the_same_key_subscribes_once_and_replays(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        existing = await create_client(session, cin="YB482930", first_name="Yasmine", last_name="Benali")
        existing_id = existing.id
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        body = new_subscription(offer_id, cin="YB482930")
        key = "wizard-key-otp-1"

        refused = await _submit(client, body, key=key)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "subscription_refused"

        pending = (await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "YB482930"})).json()
        # A token that was never confirmed with the code is refused like no token at all.
        unconfirmed = await _submit(client, {**body, "lookup_token": pending["lookup_token"]}, key=key)
        assert unconfirmed.status_code == 409
        assert unconfirmed.json()["error"]["code"] == "subscription_refused"
        code = await self._code_sent_to(session, existing_id)
        assert code is not None
        verified = await client.post(
            f"{LANDING}/clients/verify-otp",
            json={"cin": "YB482930", "lookup_token": pending["lookup_token"], "code": code},
        )
        assert verified.status_code == 200, verified.text
        token = verified.json()["lookup_token"]

        # The refusals wrote nothing under the key: the same key now subscribes (the token is not hashed).
        accepted = await _submit(client, {**body, "lookup_token": token}, key=key)
        assert accepted.status_code == 201, accepted.text
        assert accepted.json()["client"]["reused_existing_client"] is True
        replay = await _submit(client, {**body, "lookup_token": token}, key=key)
        assert replay.status_code == 201
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == accepted.json()
        contracts = select(func.count()).select_from(Contract).where(Contract.offer_id == offer_id)
        assert await session.scalar(contracts) == 1

    async def test_a_verified_token_of_another_cin_is_refused_in_the_same_words(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_client(session, cin="YB482931", first_name="Yasmine", last_name="Benali")
        other = await create_client(session, cin="YB482932")
        other_id = other.id
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        pending = (await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "YB482932"})).json()
        code = await self._code_sent_to(session, other_id)
        assert code is not None
        token = (
            await client.post(
                f"{LANDING}/clients/verify-otp",
                json={"cin": "YB482932", "lookup_token": pending["lookup_token"], "code": code},
            )
        ).json()["lookup_token"]

        response = await _submit(client, new_subscription(offer_id, cin="YB482931", lookup_token=token))

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "subscription_refused"

    async def test_a_new_cin_subscribes_without_a_code_and_a_stranger_is_sent_none(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        before = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type == "landing.otp_requested")
        )
        answer = await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "YB482933"})
        assert answer.status_code == 200
        assert answer.json()["verification"] == "otp"
        after = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type == "landing.otp_requested")
        )
        assert after == before

        response = await _submit(client, new_subscription(offer, cin="YB482933"))

        assert response.status_code == 201, response.text
        assert response.json()["client"]["reused_existing_client"] is False


class TestSubmitNewValidation:
    @pytest.fixture
    async def mobile_offer_id(self, session: AsyncSession) -> str:
        offer = await create_offer(session, "mobile")
        await session.commit()
        return str(offer.id)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("cin", "12345678"),
            ("cin", "ABC1234"),
            ("email", "yasmine@"),
            ("phone", "+33 6 12 34 56 78"),
            ("phone", "06 12 34"),
            ("first_name", ""),
            ("existing_mobile_local_number", "05 22 33 44 55"),
            ("requested_mobile_local_number", "08 08 33 44 55"),
            ("home_landline_local_number", "06 55 33 44 22"),
            ("home_landline_local_number", "07 55 33 44 22"),
            ("contract_start_date", "01/12/2026"),
            ("terms_accepted", False),
            # Accepting the legal texts is an explicit JSON true, not a truthy string or number.
            ("terms_accepted", "yes"),
            ("terms_accepted", 1),
        ],
    )
    async def test_bad_input_is_422_naming_the_field(
        self, client: httpx.AsyncClient, mobile_offer_id: str, field: str, value: object
    ) -> None:
        response = await _submit(client, {**new_subscription(mobile_offer_id), field: value})
        assert response.status_code == 422, response.text
        assert _field(response) == ["body", field]

    async def test_a_start_date_in_the_past_is_refused(self, client: httpx.AsyncClient, mobile_offer_id: str) -> None:
        response = await _submit(
            client, new_subscription(mobile_offer_id, contract_start_date=start_in(-1).isoformat())
        )
        assert response.status_code == 422
        assert _field(response) == ["body", "contract_start_date"]
        assert response.json()["error"]["details"][0]["type"] == "date_in_past"

    async def test_a_start_date_beyond_the_window_is_refused(
        self, client: httpx.AsyncClient, mobile_offer_id: str
    ) -> None:
        assert (
            await _submit(client, new_subscription(mobile_offer_id, contract_start_date=start_in(90).isoformat()))
        ).status_code == 201
        response = await _submit(
            client, new_subscription(mobile_offer_id, contract_start_date=start_in(91).isoformat())
        )
        assert response.status_code == 422
        assert _field(response) == ["body", "contract_start_date"]
        assert response.json()["error"]["details"][0]["type"] == "date_too_far"

    async def test_today_is_a_valid_start_date(self, client: httpx.AsyncClient, mobile_offer_id: str) -> None:
        response = await _submit(client, new_subscription(mobile_offer_id, contract_start_date=start_in(0).isoformat()))
        assert response.status_code == 201, response.text

    async def test_a_retired_offer_is_refused_naming_offer_id(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        retired = await create_offer(session, "mobile", status="retired")
        await session.commit()
        response = await _submit(client, new_subscription(retired))
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "offer_not_available"
        assert _field(response) == ["body", "offer_id"]
        assert await session.scalar(select(func.count()).select_from(Client).where(Client.cin.like("LA%"))) == 0

    async def test_an_unknown_offer_is_refused_naming_offer_id(self, client: httpx.AsyncClient) -> None:
        response = await _submit(client, new_subscription(uuid.uuid4()))
        assert response.status_code == 422
        assert _field(response) == ["body", "offer_id"]

    async def test_an_internet_offer_without_home_landline_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "adsl")
        await session.commit()
        response = await _submit(client, new_subscription(offer))
        assert response.status_code == 422
        assert _field(response) == ["body", "home_landline_local_number"]

    async def test_a_mobile_number_on_a_landline_offer_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "landline")
        await session.commit()
        response = await _submit(
            client,
            new_subscription(
                offer, home_landline_local_number=landing_landline(), requested_mobile_local_number="0661000009"
            ),
        )
        assert response.status_code == 422
        assert _field(response) == ["body", "requested_mobile_local_number"]

    async def test_a_number_held_by_another_client_is_unavailable(
        self, client: httpx.AsyncClient, session: AsyncSession, mobile_offer_id: str
    ) -> None:
        number = landing_mobile()
        first = await _submit(client, new_subscription(mobile_offer_id, existing_mobile_local_number=number))
        assert first.status_code == 201, first.text
        second = new_subscription(mobile_offer_id, existing_mobile_local_number=number)
        response = await _submit(client, second)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "number_unavailable"
        assert _field(response) == ["body", "existing_mobile_local_number"]
        # The client made for the refused subscription went with it: no half-done write.
        assert await session.scalar(select(func.count()).select_from(Client).where(Client.cin == second["cin"])) == 0

    async def test_an_expired_or_unknown_draft_is_refused_before_any_write(
        self, client: httpx.AsyncClient, mobile_offer_id: str, session: AsyncSession
    ) -> None:
        response = await _submit(client, new_subscription(mobile_offer_id, draft_id=str(uuid.uuid4())))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "draft_not_found"
        assert await session.scalar(select(func.count()).select_from(Client).where(Client.cin.like("LA%"))) == 0
