"""Contracts over HTTP: provisioning (roles, idempotency, error envelope), reads and lifecycle."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.models import Offer
from app.contracts.models import Contract, ContractSuspension, Subscriber
from app.customers.models import Client
from app.kit.audit import AuditRecord
from app.kit.dates import utc_today
from tests.fixtures.auth import auth_headers
from tests.fixtures.contracts_factories import create_contract, create_subscriber
from tests.fixtures.factories import create_client, create_offer

PROVISION = "/api/v1/contracts"


def _body(client: Client, offer: Offer, **fields: Any) -> dict[str, Any]:
    return {
        "client_id": str(client.id),
        "offer_id": str(offer.id),
        "contract_start_date": fields.pop("contract_start_date", "2026-03-01"),
        **fields,
    }


def _operator(key: str | None = None) -> dict[str, str]:
    return auth_headers("operator", **({"Idempotency-Key": key} if key else {}))


class TestProvisionEndpoint:
    async def test_operator_provisions_and_gets_decision_contract_line_and_replaced(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("149.50"))

        response = await client.post(
            PROVISION,
            json=_body(owner, offer, requested_mobile_local_number="06 55 33 44 22"),
            headers=_operator("prov-1"),
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == {"decision", "contract", "subscriber", "replaced_contract"}
        assert body["decision"] == "created"
        assert body["replaced_contract"] is None
        assert body["subscriber"]["phone_number"] == "+212655334422"
        assert body["contract"]["monthly_fee"] == "149.50"
        assert body["contract"]["activation_fee"] == "50.00"
        assert body["contract"]["start_date"] == "2026-03-01"
        assert body["contract"]["created_by"] == "test-operator"

    async def test_plan_change_answer_carries_the_replaced_contract(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        old = await create_contract(session, owner, await create_offer(session, "mobile"))
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("99.00"))
        response = await client.post(PROVISION, json=_body(owner, offer), headers=_operator("prov-2"))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["decision"] == "downgraded"
        assert body["replaced_contract"]["id"] == str(old.id)
        assert body["replaced_contract"]["end_date"] == "2026-02-28"
        assert body["replaced_contract"]["status"] == "terminated"
        assert body["contract"]["replaced_contract_id"] == str(old.id)

    @pytest.mark.parametrize("role", ["auditor", "billing", "collections"])
    async def test_roles_other_than_operator_and_admin_cannot_provision(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str
    ) -> None:
        owner = await create_client(session)
        owner_id = owner.id
        offer = await create_offer(session, "mobile")
        response = await client.post(
            PROVISION, json=_body(owner, offer), headers=auth_headers(role, **{"Idempotency-Key": "k"})
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        assert await session.scalar(select(func.count()).where(Contract.client_id == owner_id)) == 0

    async def test_admin_can_provision(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        owner = await create_client(session)
        offer = await create_offer(session, "mobile")
        response = await client.post(
            PROVISION, json=_body(owner, offer), headers=auth_headers("admin", **{"Idempotency-Key": "adm"})
        )
        assert response.status_code == 201, response.text

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.post(PROVISION, json={}, headers={"Idempotency-Key": "k"})
        assert response.status_code == 401

    async def test_the_idempotency_key_is_required(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        owner = await create_client(session)
        owner_id = owner.id
        response = await client.post(
            PROVISION, json=_body(owner, await create_offer(session, "mobile")), headers=_operator()
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"
        assert await session.scalar(select(func.count()).where(Contract.client_id == owner_id)) == 0

    async def test_the_same_key_and_body_replays_without_writing_again(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        body = _body(owner, await create_offer(session, "mobile"))
        first = await client.post(PROVISION, json=body, headers=_operator("replay-1"))
        second = await client.post(PROVISION, json=body, headers=_operator("replay-1"))
        assert first.status_code == second.status_code == 201
        assert second.headers["Idempotent-Replayed"] == "true"
        assert second.json() == first.json()
        assert await session.scalar(select(func.count()).where(Contract.client_id == owner.id)) == 1

    async def test_the_same_key_with_another_body_is_a_conflict(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        owner_id = owner.id
        offer = await create_offer(session, "mobile")
        first_body, other_body = (
            _body(owner, offer),
            _body(owner, offer, contract_start_date="2026-04-01", intent="new_line"),
        )
        first = await client.post(PROVISION, json=first_body, headers=_operator("conflict-1"))
        assert first.status_code == 201
        other = await client.post(PROVISION, json=other_body, headers=_operator("conflict-1"))
        assert other.status_code == 409
        assert other.json()["error"]["code"] == "idempotency_key_conflict"
        assert await session.scalar(select(func.count()).where(Contract.client_id == owner_id)) == 1

    @pytest.mark.parametrize(
        ("field", "raw"),
        [
            ("existing_mobile_local_number", "05 37 11 22 33"),
            ("requested_mobile_local_number", "+212 8 12 34 56 78"),
            ("home_landline_local_number", "07 55 33 44 22"),
            ("requested_mobile_local_number", "+33 6 12 34 56 78"),
        ],
    )
    async def test_numbers_in_the_wrong_family_are_422_naming_the_field(
        self, client: httpx.AsyncClient, session: AsyncSession, field: str, raw: str
    ) -> None:
        owner = await create_client(session)
        response = await client.post(
            PROVISION,
            json=_body(owner, await create_offer(session, "mobile"), **{field: raw}),
            headers=_operator("family"),
        )
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert [detail["loc"] for detail in error["details"]] == [["body", field]]

    async def test_an_ambiguous_request_lists_the_candidates_in_the_error(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        first = await create_contract(session, owner, await create_offer(session, "mobile"))
        second = await create_contract(session, owner, await create_offer(session, "mobile"))
        response = await client.post(
            PROVISION, json=_body(owner, await create_offer(session, "mobile")), headers=_operator("ambiguous")
        )
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "provisioning_ambiguous"
        assert {d["contract_id"] for d in error["details"]} == {str(first.id), str(second.id)}
        assert {d["contract_number"] for d in error["details"]} == {first.contract_number, second.contract_number}

    async def test_a_refusal_is_not_stored_under_the_key(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        retired = await create_offer(session, "mobile", status="retired")
        body = _body(owner, retired)
        await session.commit()  # keep the rows when the refused request rolls its savepoint back
        refused = await client.post(PROVISION, json=body, headers=_operator("refused"))
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "offer_not_available"
        await session.execute(update(Offer).where(Offer.id == uuid.UUID(body["offer_id"])).values(status="active"))
        accepted = await client.post(PROVISION, json=body, headers=_operator("refused"))
        assert accepted.status_code == 201, accepted.text

    @pytest.mark.parametrize(("status", "code"), [("terminated", "client_terminated")])
    async def test_client_refusals_keep_their_codes(
        self, client: httpx.AsyncClient, session: AsyncSession, status: str, code: str
    ) -> None:
        owner = await create_client(session, status=status)
        response = await client.post(
            PROVISION, json=_body(owner, await create_offer(session, "mobile")), headers=_operator("cl")
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == code

    async def test_unknown_client_is_404(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile")
        body = {"client_id": str(uuid.uuid4()), "offer_id": str(offer.id), "contract_start_date": "2026-03-01"}
        response = await client.post(PROVISION, json=body, headers=_operator("nf"))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    async def test_incompatible_target_is_422_service_type_incompatible(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        target = await create_contract(session, owner, await create_offer(session, "landline"))
        response = await client.post(
            PROVISION,
            json=_body(owner, await create_offer(session, "mobile"), target_contract_id=str(target.id)),
            headers=_operator("inc"),
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "service_type_incompatible"

    async def test_a_taken_number_is_409_number_unavailable(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        taken = await create_subscriber(session, service_type="mobile")
        owner = await create_client(session)
        response = await client.post(
            PROVISION,
            json=_body(owner, await create_offer(session, "mobile"), requested_mobile_local_number=taken.phone_number),
            headers=_operator("taken"),
        )
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "number_unavailable"
        assert error["details"][0]["loc"] == ["body", "requested_mobile_local_number"]


class TestContractReads:
    @pytest.mark.parametrize("role", ["operator", "billing", "collections", "auditor", "admin"])
    async def test_staff_read_roles_list_and_get(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str
    ) -> None:
        contract = await create_contract(session)
        listed = await client.get(PROVISION, params={"client_id": str(contract.client_id)}, headers=auth_headers(role))
        assert listed.status_code == 200, listed.text
        assert [item["id"] for item in listed.json()["items"]] == [str(contract.id)]
        one = await client.get(f"{PROVISION}/{contract.id}", headers=auth_headers(role))
        assert one.status_code == 200
        assert one.json()["contract_number"] == contract.contract_number

    async def test_reads_need_a_token(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(PROVISION)).status_code == 401

    async def test_filters_by_client_status_service_and_offer(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        mobile_offer = await create_offer(session, "mobile")
        mobile = await create_contract(session, owner, mobile_offer)
        fiber = await create_contract(session, owner, await create_offer(session, "fiber"))
        adsl = await create_contract(session, owner, await create_offer(session, "adsl"), status="suspended")
        landline = await create_contract(session, owner, await create_offer(session, "landline"))
        await create_contract(session, await create_client(session), mobile_offer)

        async def ids(**params: str) -> set[str]:
            response = await client.get(
                PROVISION, params={"client_id": str(owner.id), **params}, headers=auth_headers("billing")
            )
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

        assert await ids() == {str(c.id) for c in (mobile, fiber, adsl, landline)}
        assert await ids(service="internet") == {str(fiber.id), str(adsl.id)}
        assert await ids(service="mobile") == {str(mobile.id)}
        assert await ids(service="landline") == {str(landline.id)}
        assert await ids(status="suspended") == {str(adsl.id)}
        assert await ids(offer_id=str(mobile_offer.id)) == {str(mobile.id)}

    async def test_an_unknown_service_filter_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(PROVISION, params={"service": "fiber"}, headers=auth_headers("operator"))
        assert response.status_code == 422

    async def test_pagination_reports_total_limit_and_offset(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        for _ in range(3):
            await create_contract(session, owner, await create_offer(session, "mobile"))
        response = await client.get(
            PROVISION, params={"client_id": str(owner.id), "limit": 2, "offset": 1}, headers=auth_headers("auditor")
        )
        body = response.json()
        assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (3, 2, 1, 2)

    async def test_an_unknown_contract_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{PROVISION}/{uuid.uuid4()}", headers=auth_headers("operator"))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def _days_ago(days: int) -> str:
    return (utc_today() - timedelta(days=days)).isoformat()


async def _post(client: httpx.AsyncClient, contract: Contract, action: str, effective: str) -> httpx.Response:
    return await client.post(
        f"{PROVISION}/{contract.id}/{action}", json={"effective_date": effective}, headers=auth_headers("operator")
    )


class TestLifecycle:
    async def test_suspend_suspends_contract_and_line_and_records_the_period(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        response = await _post(client, contract, "suspend", _days_ago(5))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "suspended"
        line = await session.get(Subscriber, contract.subscriber_id, populate_existing=True)
        assert line is not None
        assert line.status == "suspended"
        periods = (
            await session.scalars(select(ContractSuspension).where(ContractSuspension.contract_id == contract.id))
        ).all()
        assert [(p.suspended_from.isoformat(), p.resumed_on) for p in periods] == [(_days_ago(5), None)]
        audit = await session.scalar(
            select(AuditRecord).where(
                AuditRecord.entity_id == str(contract.id), AuditRecord.action == "contract.suspended"
            )
        )
        assert audit is not None
        assert audit.actor == "test-operator"

    async def test_resume_closes_the_period_and_reactivates_contract_and_line(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        assert (await _post(client, contract, "suspend", _days_ago(5))).status_code == 200
        response = await _post(client, contract, "resume", _days_ago(2))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "active"
        line = await session.get(Subscriber, contract.subscriber_id, populate_existing=True)
        assert line is not None
        assert line.status == "active"
        periods = await client.get(f"{PROVISION}/{contract.id}/suspensions", headers=auth_headers("auditor"))
        assert [(p["suspended_from"], p["resumed_on"]) for p in periods.json()] == [(_days_ago(5), _days_ago(2))]

    async def test_a_new_suspension_cannot_start_inside_the_previous_one(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        await _post(client, contract, "suspend", _days_ago(10))
        await _post(client, contract, "resume", _days_ago(5))
        response = await _post(client, contract, "suspend", _days_ago(7))
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "effective_date"]

    async def test_resuming_on_or_before_the_first_suspended_day_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        await _post(client, contract, "suspend", _days_ago(3))
        response = await _post(client, contract, "resume", _days_ago(3))
        assert response.status_code == 422

    async def test_terminate_sets_the_last_day_and_frees_the_number(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        response = await _post(client, contract, "terminate", _days_ago(1))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["end_date"]) == ("terminated", _days_ago(1))
        assert body["terminated_at"] is not None
        line = await session.get(Subscriber, contract.subscriber_id, populate_existing=True)
        assert line is not None
        assert (line.status, line.terminated_on) == ("terminated", utc_today() - timedelta(days=1))

        reuse = await client.post(
            PROVISION,
            json=_body(
                await create_client(session),
                await create_offer(session, "mobile"),
                requested_mobile_local_number=line.phone_number,
            ),
            headers=_operator("reuse"),
        )
        assert reuse.status_code == 201, reuse.text

    async def test_terminating_a_suspended_contract_closes_its_suspension_with_it(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        await _post(client, contract, "suspend", _days_ago(6))
        assert (await _post(client, contract, "terminate", _days_ago(2))).status_code == 200
        period = await session.scalar(
            select(ContractSuspension)
            .where(ContractSuspension.contract_id == contract.id)
            .execution_options(populate_existing=True)
        )
        assert period is not None
        assert period.resumed_on == utc_today() - timedelta(days=1)

    async def test_each_lifecycle_change_is_audited_with_before_and_after_status(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        for action, effective in (("suspend", _days_ago(6)), ("resume", _days_ago(4)), ("terminate", _days_ago(1))):
            assert (await _post(client, contract, action, effective)).status_code == 200
        records = (
            await session.scalars(
                select(AuditRecord).where(AuditRecord.entity_id == str(contract.id)).order_by(AuditRecord.id)
            )
        ).all()
        assert [(r.action, r.actor, r.before["status"], r.after["status"]) for r in records] == [  # type: ignore[index]
            ("contract.suspended", "test-operator", "active", "suspended"),
            ("contract.resumed", "test-operator", "suspended", "active"),
            ("contract.terminated", "test-operator", "active", "terminated"),
        ]
        assert records[2].after["end_date"] == _days_ago(1)  # type: ignore[index]

    async def test_terminating_a_suspended_contract_terminates_its_line(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        assert (await _post(client, contract, "suspend", _days_ago(6))).status_code == 200
        assert (await _post(client, contract, "terminate", _days_ago(2))).status_code == 200
        line = await session.get(Subscriber, contract.subscriber_id, populate_existing=True)
        assert line is not None
        assert (line.status, line.terminated_on) == ("terminated", utc_today() - timedelta(days=2))

    @pytest.mark.parametrize("action", ["suspend", "resume", "terminate"])
    async def test_a_future_effective_date_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession, action: str
    ) -> None:
        contract = await create_contract(session, status="suspended" if action == "resume" else "active")
        tomorrow = (utc_today() + timedelta(days=1)).isoformat()
        response = await _post(client, contract, action, tomorrow)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "effective_date"]

    @pytest.mark.parametrize(
        ("status", "action"),
        [("suspended", "suspend"), ("active", "resume"), ("terminated", "terminate"), ("terminated", "suspend")],
    )
    async def test_transitions_from_the_wrong_status_are_409(
        self, client: httpx.AsyncClient, session: AsyncSession, status: str, action: str
    ) -> None:
        end = date(2026, 2, 1) if status == "terminated" else None
        contract = await create_contract(session, status=status, end_date=end)
        response = await _post(client, contract, action, _days_ago(1))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_status_transition"

    async def test_terminating_before_the_contract_starts_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session, start_date=utc_today() - timedelta(days=3))
        response = await _post(client, contract, "terminate", _days_ago(5))
        assert response.status_code == 422

    @pytest.mark.parametrize("action", ["suspend", "resume", "terminate"])
    @pytest.mark.parametrize("role", ["auditor", "billing", "collections"])
    async def test_only_operators_change_the_lifecycle(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str, action: str
    ) -> None:
        contract = await create_contract(session, status="suspended" if action == "resume" else "active")
        response = await client.post(
            f"{PROVISION}/{contract.id}/{action}", json={"effective_date": _days_ago(1)}, headers=auth_headers(role)
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"

    async def test_an_unknown_contract_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            f"{PROVISION}/{uuid.uuid4()}/terminate", json={"effective_date": _days_ago(1)}, headers=_operator()
        )
        assert response.status_code == 404


class TestClientDeletion:
    async def test_a_client_with_contract_history_cannot_be_hard_deleted(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session, status="terminated", end_date=date(2026, 2, 1))
        response = await client.delete(f"/api/v1/clients/{contract.client_id}", headers=auth_headers("admin"))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "client_delete_blocked"

    async def test_a_client_with_only_a_line_cannot_be_hard_deleted_either(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        line = await create_subscriber(session)
        response = await client.delete(f"/api/v1/clients/{line.client_id}", headers=auth_headers("admin"))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "client_delete_blocked"


class TestOfferInUse:
    async def test_an_offer_sold_on_a_contract_keeps_its_access_type(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session, offer=await create_offer(session, "fiber"))
        response = await client.patch(
            f"/api/v1/offers/{contract.offer_id}",
            json={"internet_access_type": "adsl", "internet_adsl_speed_mbps": 20, "internet_fiber_speed_mbps": None},
            headers=auth_headers("operator"),
        )
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "offer_in_use"


class TestClientTermination:
    async def test_a_client_with_a_live_contract_cannot_be_terminated(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        response = await client.patch(
            f"/api/v1/clients/{contract.client_id}", json={"status": "terminated"}, headers=auth_headers("operator")
        )
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "client_has_live_services"
        assert response.json()["error"]["details"][0]["loc"] == ["body", "status"]

    async def test_a_client_whose_contracts_ended_can_be_terminated(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(
            session, status="terminated", start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)
        )
        response = await client.patch(
            f"/api/v1/clients/{contract.client_id}", json={"status": "terminated"}, headers=auth_headers("operator")
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "terminated"


class TestContractsNameTheirClient:
    async def test_the_list_and_the_detail_carry_the_clients_name(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        person = await create_client(session, first_name="Salma", last_name="Idrissi")
        business = await create_client(
            session, kind="business", company_name="Atlas Télécom SARL", ice="001234567000089"
        )
        offer = await create_offer(session, "mobile")
        for owner in (person, business):
            await create_contract(session, owner, offer, start_date=date(2026, 1, 1))
        await session.commit()

        listed = await client.get("/api/v1/contracts", params={"limit": "200"}, headers=auth_headers("operator"))

        assert listed.status_code == 200, listed.text
        names = {row["client_id"]: row["client_name"] for row in listed.json()["items"]}
        assert (names[str(person.id)], names[str(business.id)]) == ("Salma Idrissi", "Atlas Télécom SARL")
        contract_id = next(row["id"] for row in listed.json()["items"] if row["client_id"] == str(person.id))
        detail = await client.get(f"/api/v1/contracts/{contract_id}", headers=auth_headers("operator"))
        assert detail.json()["client_name"] == "Salma Idrissi"

    async def test_one_clients_contracts_are_counted_on_each_page_and_past_the_last(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # A client's list counts in its page's own query: the total is of all the client's contracts, and the
        # rows still carry their line numbers and client names.
        person = await create_client(session, first_name="Hind", last_name="Tazi")
        offer = await create_offer(session, "mobile")
        for owner in (person, person, person, await create_client(session)):
            await create_contract(session, owner, offer, start_date=date(2026, 1, 1))
        await session.commit()

        async def page(offset: int) -> tuple[int, int, set[str]]:
            params = {"client_id": str(person.id), "limit": "2", "offset": str(offset)}
            response = await client.get("/api/v1/contracts", params=params, headers=auth_headers("operator"))
            assert response.status_code == 200, response.text
            items = response.json()["items"]
            return len(items), response.json()["total"], {row["client_name"] for row in items}

        assert [await page(offset) for offset in (0, 2, 4)] == [
            (2, 3, {"Hind Tazi"}),
            (1, 3, {"Hind Tazi"}),
            (0, 3, set()),
        ]
