from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.customers import history, service
from app.customers.models import Client
from app.kit.audit import AuditRecord
from app.main import create_app
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.customers_factories import business_payload, client_payload
from tests.fixtures.factories import create_client, unique_cin

OPERATOR = auth_headers("operator")
AUDITOR = auth_headers("auditor")
CLIENTS = "/api/v1/clients"


def locs(response: httpx.Response) -> list[list[Any]]:
    return [detail["loc"] for detail in response.json()["error"]["details"]]


def assert_validation_error_on(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert ["body", field] in locs(response), locs(response)


def assert_validation_error_on_query(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"
    assert ["query", field] in locs(response), locs(response)


async def audit_rows(session: AsyncSession, entity_id: object) -> list[AuditRecord]:
    rows = await session.scalars(
        select(AuditRecord).where(AuditRecord.entity_id == str(entity_id)).order_by(AuditRecord.id)
    )
    return list(rows)


class TestCreateClient:
    async def test_operator_creates_an_individual_with_normalised_identity_and_contacts(
        self, client: httpx.AsyncClient
    ) -> None:
        payload = client_payload(cin=" ab123456 ", email="Salma.BENNANI@Example.MA", phone="06 55 33 44 22")
        response = await client.post(CLIENTS, json=payload, headers=OPERATOR)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["cin"] == "AB123456"
        assert body["email"] == "salma.bennani@example.ma"
        assert body["phone"] == "+212655334422"
        assert body["status"] == "active"
        assert body["kind"] == "individual"
        assert body["display_name"] == f"Salma {payload['last_name']}"
        assert body["created_by"] == "test-operator"
        assert body["created_at"].endswith("Z") or "+" in body["created_at"]

    async def test_operator_creates_a_business_with_company_name_and_ice(self, client: httpx.AsyncClient) -> None:
        payload = business_payload(ice="0015 2548 9000 057")
        response = await client.post(CLIENTS, json=payload, headers=OPERATOR)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["ice"] == "001525489000057"
        assert body["display_name"] == payload["company_name"]
        assert body["first_name"] is None

    async def test_admin_may_create_too(self, client: httpx.AsyncClient) -> None:
        response = await client.post(CLIENTS, json=client_payload(), headers=auth_headers("admin"))
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"cin": "123456"}, "cin"),
            ({"cin": "ABC12345"}, "cin"),
            ({"cin": "AB"}, "cin"),
            ({"cin": "AB123456789"}, "cin"),
            ({"cin": "A-12345"}, "cin"),
            ({"cin": ""}, "cin"),
            ({"first_name": None}, "first_name"),
            ({"last_name": None}, "last_name"),
            ({"first_name": "   "}, "first_name"),
            ({"ice": "001525489000057"}, "ice"),
            ({"company_name": "Someone Else SARL"}, "company_name"),
            ({"email": "not-an-email"}, "email"),
            ({"email": "a@b"}, "email"),
            ({"phone": "12345"}, "phone"),
            ({"phone": "+33 6 12 34 56 78"}, "phone"),
            ({"phone": "+212 4 55 33 44 22"}, "phone"),
            ({"phone": "09 55 33 44 22"}, "phone"),
            ({"phone": "06 55 33 44 2"}, "phone"),
            ({"kind": "company"}, "kind"),
            ({"status": "active"}, "status"),
            ({"unexpected": 1}, "unexpected"),
        ],
    )
    async def test_invalid_individual_is_refused_naming_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        payload = client_payload(**overrides)
        payload = {k: v for k, v in payload.items() if not (v is None and k in ("first_name", "last_name"))}
        response = await client.post(CLIENTS, json=payload, headers=OPERATOR)
        assert_validation_error_on(response, field)

    async def test_missing_cin_is_refused(self, client: httpx.AsyncClient) -> None:
        payload = client_payload()
        del payload["cin"]
        assert_validation_error_on(await client.post(CLIENTS, json=payload, headers=OPERATOR), "cin")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"company_name": None}, "company_name"),
            ({"ice": None}, "ice"),
            ({"ice": "00152548900005"}, "ice"),
            ({"ice": "0015254890000571"}, "ice"),
            ({"ice": "00152548900005A"}, "ice"),
        ],
    )
    async def test_invalid_business_is_refused_naming_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        payload = {k: v for k, v in business_payload(**overrides).items() if v is not None}
        assert_validation_error_on(await client.post(CLIENTS, json=payload, headers=OPERATOR), field)

    async def test_a_business_may_name_a_contact_person(self, client: httpx.AsyncClient) -> None:
        payload = business_payload(first_name="Karim", last_name="Tazi")
        response = await client.post(CLIENTS, json=payload, headers=OPERATOR)
        assert response.status_code == 201, response.text
        assert response.json()["last_name"] == "Tazi"

    @pytest.mark.parametrize(
        ("raw", "canonical"),
        [
            ("+212 6 55 33 44 22", "+212655334422"),
            ("06 55 33 44 22", "+212655334422"),
            ("07 55 33 44 22", "+212755334422"),
            ("0655334422", "+212655334422"),
            ("212655334422", "+212655334422"),
            ("00212655334422", "+212655334422"),
            ("05 22 33 44 55", "+212522334455"),
            ("0800-12-34-56", "+212800123456"),
        ],
    )
    async def test_contact_phone_accepts_every_intake_format_and_both_families(
        self, client: httpx.AsyncClient, raw: str, canonical: str
    ) -> None:
        response = await client.post(CLIENTS, json=client_payload(phone=raw), headers=OPERATOR)
        assert response.status_code == 201, response.text
        assert response.json()["phone"] == canonical

    async def test_contacts_are_optional(self, client: httpx.AsyncClient) -> None:
        payload = {"cin": unique_cin(), "first_name": "Amine", "last_name": "Idrissi"}
        response = await client.post(CLIENTS, json=payload, headers=OPERATOR)
        assert response.status_code == 201, response.text
        assert response.json()["email"] is None
        assert response.json()["phone"] is None

    async def test_cin_held_by_a_live_client_is_refused_whatever_its_case(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        cin = unique_cin()
        await create_client(session, cin=cin)
        await session.commit()
        response = await client.post(CLIENTS, json=client_payload(cin=cin.lower()), headers=OPERATOR)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "client_cin_taken"
        assert locs(response) == [["body", "cin"]]
        count = await session.scalar(select(func.count()).select_from(Client).where(Client.cin == cin))
        assert count == 1

    async def test_cin_of_an_anonymised_client_can_be_reused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        cin = unique_cin()
        await create_client(session, cin=cin, status="terminated", anonymised_at=datetime.now(UTC))
        response = await client.post(CLIENTS, json=client_payload(cin=cin), headers=OPERATOR)
        assert response.status_code == 201, response.text

    async def test_creation_is_audited_with_the_full_summary(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        payload = client_payload(cin="QX778899")
        response = await client.post(
            CLIENTS, json=payload, headers={**OPERATOR, "X-Correlation-ID": "corr-client-create"}
        )
        assert response.status_code == 201, response.text
        [record] = await audit_rows(session, response.json()["id"])
        assert record.action == "client.created"
        assert record.entity_type == "client"
        assert record.actor == "test-operator"
        assert record.role == "operator"
        assert record.correlation_id == "corr-client-create"
        assert record.before is None
        assert record.after is not None
        assert record.after["cin"] == "QX778899"
        assert record.after["phone"] == "+212655334422"
        assert record.after["status"] == "active"

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.post(CLIENTS, json=client_payload())
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    @pytest.mark.parametrize("role", ["auditor", "billing", "collections"])
    async def test_roles_other_than_operator_cannot_create(self, client: httpx.AsyncClient, role: str) -> None:
        response = await client.post(CLIENTS, json=client_payload(), headers=auth_headers(role))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"

    async def test_idempotency_key_replays_the_first_answer(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        payload = client_payload()
        headers = {**OPERATOR, "Idempotency-Key": f"create-{uuid.uuid4()}"}
        first = await client.post(CLIENTS, json=payload, headers=headers)
        second = await client.post(CLIENTS, json=payload, headers=headers)
        assert first.status_code == second.status_code == 201
        assert "Idempotent-Replayed" not in first.headers
        assert second.headers["Idempotent-Replayed"] == "true"
        assert second.json() == first.json()
        count = await session.scalar(select(func.count()).select_from(Client).where(Client.cin == payload["cin"]))
        assert count == 1

    @pytest.mark.parametrize("key", ["has space", "tab\tkey", "x" * 256])
    async def test_malformed_idempotency_key_is_400(self, client: httpx.AsyncClient, key: str) -> None:
        headers = {**OPERATOR, "Idempotency-Key": key}
        response = await client.post(CLIENTS, json=client_payload(), headers=headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_invalid"


class TestListClients:
    async def test_search_by_name_company_cin_and_email(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        person = await create_client(
            session, first_name="Zineb", last_name="Ouazzani", email="z.ouazzani@example.ma", city="Fes"
        )
        company = await create_client(
            session,
            kind="business",
            first_name=None,
            last_name=None,
            company_name="Meknes Textile Export",
            ice="001234567000089",
        )
        for q, expected in [
            ("ouazz", person.id),
            ("Zineb Ouazzani", person.id),
            ("OUAZZANI zineb", person.id),
            ("textile export", company.id),
            (person.cin.lower(), person.id),
            ("Z.OUAZZANI@example", person.id),
        ]:
            response = await client.get(CLIENTS, params={"q": q}, headers=OPERATOR)
            assert response.status_code == 200, response.text
            ids = [item["id"] for item in response.json()["items"]]
            assert ids == [str(expected)], (q, ids)

    async def test_search_never_matches_across_two_fields(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # The search reads one stored text of every field: a term that would span the end of one field and the
        # start of the next (the e-mail after the CIN here) must not find the client.
        person = await create_client(session, first_name="Rachid", last_name="Tounsi", email="rt@example.ma")
        for q in (f"{person.cin.lower()}rt@", "tounsi rachid tounsi", "rachid tounsirachid"):
            response = await client.get(CLIENTS, params={"q": q}, headers=OPERATOR)
            assert response.status_code == 200, response.text
            assert response.json()["total"] == 0, q
        response = await client.get(CLIENTS, params={"q": "tounsi rachid"}, headers=OPERATOR)
        assert [item["id"] for item in response.json()["items"]] == [str(person.id)]

    @pytest.mark.parametrize(
        "q", ["+212 6 91 23 45 67", "06 91 23 45 67", "0691234567", "212691234567", "+212691234567", "23 45 67"]
    )
    async def test_phone_search_accepts_any_intake_format(
        self, client: httpx.AsyncClient, session: AsyncSession, q: str
    ) -> None:
        target = await create_client(session, phone="+212691234567")
        await create_client(session, phone="+212691234568")
        response = await client.get(CLIENTS, params={"q": q}, headers=OPERATOR)
        assert response.status_code == 200, response.text
        assert [item["id"] for item in response.json()["items"]] == [str(target.id)]

    async def test_search_treats_like_wildcards_literally(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_client(session, last_name="Wildcard")
        response = await client.get(CLIENTS, params={"q": "%"}, headers=OPERATOR)
        assert response.status_code == 200
        assert response.json()["total"] == 0

    async def test_filters_by_status_kind_and_city(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        city = f"Ville-{uuid.uuid4().hex[:8]}"
        active = await create_client(session, city=city)
        delinquent = await create_client(session, city=city, status="delinquent")
        business = await create_client(
            session, city=city, kind="business", company_name="Oujda Agro", ice="001234567000090"
        )
        await create_client(session, city="Agadir")

        async def ids(**params: str) -> set[str]:
            response = await client.get(CLIENTS, params={"city": city.upper(), **params}, headers=OPERATOR)
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

        assert await ids() == {str(active.id), str(delinquent.id), str(business.id)}
        assert await ids(status="delinquent") == {str(delinquent.id)}
        assert await ids(kind="business") == {str(business.id)}
        assert await ids(kind="individual", status="active") == {str(active.id)}

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("cin", "  fk 778899 "),
            ("email", "Filter.Me@Example.MA"),
            ("phone", "06 71 00 11 22"),
            ("phone", "+212671001122"),
        ],
    )
    async def test_exact_filters_match_the_normalised_value_only(
        self, client: httpx.AsyncClient, session: AsyncSession, name: str, value: str
    ) -> None:
        """A partner asking ?cin= gets that client, never the whole list with the wanted one somewhere in it."""
        target = await create_client(session, cin="FK778899", email="filter.me@example.ma", phone="+212671001122")
        await create_client(session, cin="FK778898", email="filter.me2@example.ma", phone="+212671001123")
        response = await client.get(CLIENTS, params={name: value}, headers=OPERATOR)
        assert response.status_code == 200, response.text
        assert [item["id"] for item in response.json()["items"]] == [str(target.id)]

    @pytest.mark.parametrize(("name", "value"), [("cin", "12-AB"), ("phone", "+33 6 12 34 56 78")])
    async def test_a_malformed_exact_filter_is_422_naming_it(
        self, client: httpx.AsyncClient, name: str, value: str
    ) -> None:
        response = await client.get(CLIENTS, params={name: value}, headers=OPERATOR)
        assert_validation_error_on_query(response, name)

    async def test_unknown_status_filter_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(CLIENTS, params={"status": "closed"}, headers=OPERATOR)
        assert response.status_code == 422
        assert ["query", "status"] in locs(response)

    async def test_pagination_pages_through_every_match_once(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        city = f"Page-{uuid.uuid4().hex[:8]}"
        created = {str((await create_client(session, city=city)).id) for _ in range(5)}
        seen: list[str] = []
        for offset in (0, 2, 4):
            response = await client.get(CLIENTS, params={"city": city, "limit": 2, "offset": offset}, headers=OPERATOR)
            assert response.status_code == 200
            body = response.json()
            assert body["total"] == 5
            assert body["limit"] == 2
            assert body["offset"] == offset
            seen.extend(item["id"] for item in body["items"])
        assert len(seen) == 5
        assert set(seen) == created

    @pytest.mark.parametrize(("name", "value"), [("limit", 0), ("limit", 201), ("offset", -1)])
    async def test_out_of_range_paging_is_422(self, client: httpx.AsyncClient, name: str, value: int) -> None:
        response = await client.get(CLIENTS, params={name: value}, headers=OPERATOR)
        assert response.status_code == 422
        assert ["query", name] in locs(response)

    async def test_an_anonymised_client_is_not_found_by_its_former_cin(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        gone = await create_client(session, status="terminated")
        former_cin = gone.cin
        await service.anonymise_client(session, gone.id)
        response = await client.get(CLIENTS, params={"q": former_cin}, headers=OPERATOR)
        assert response.json()["total"] == 0

    @pytest.mark.parametrize("role", ["operator", "billing", "collections", "auditor", "admin"])
    async def test_every_reading_role_may_list(self, client: httpx.AsyncClient, role: str) -> None:
        response = await client.get(CLIENTS, headers=auth_headers(role))
        assert response.status_code == 200, response.text

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get(CLIENTS)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


class TestGetClient:
    async def test_returns_the_client(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session)
        response = await client.get(f"{CLIENTS}/{row.id}", headers=AUDITOR)
        assert response.status_code == 200, response.text
        assert response.json()["cin"] == row.cin

    async def test_unknown_id_is_404_in_the_envelope(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{CLIENTS}/{uuid.uuid4()}", headers=OPERATOR)
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "not_found"
        assert error["correlation_id"]

    async def test_an_anonymised_client_is_read_with_its_placeholders(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session, status="terminated")
        await service.anonymise_client(session, row.id)
        response = await client.get(f"{CLIENTS}/{row.id}", headers=OPERATOR)
        assert response.status_code == 200
        assert response.json()["display_name"] == "Anonymised client"
        assert response.json()["email"] is None

    async def test_malformed_id_is_422_on_the_path(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{CLIENTS}/not-a-uuid", headers=OPERATOR)
        assert response.status_code == 422
        assert ["path", "client_id"] in locs(response)

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(f"{CLIENTS}/{uuid.uuid4()}")).status_code == 401


class TestUpdateClient:
    async def test_sent_fields_change_normalised_and_the_change_is_audited(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session, email="old@example.ma", phone="+212611111111")
        response = await client.patch(
            f"{CLIENTS}/{row.id}",
            json={"email": "New.Mail@Example.MA", "phone": "07 55 33 44 22", "city": "Oujda"},
            headers=OPERATOR,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["email"] == "new.mail@example.ma"
        assert body["phone"] == "+212755334422"
        assert body["city"] == "Oujda"
        assert body["first_name"] == row.first_name
        assert body["updated_by"] == "test-operator"
        [record] = await audit_rows(session, row.id)
        assert record.action == "client.updated"
        assert record.before == {"email": "old@example.ma", "phone": "+212611111111", "city": "Rabat"}
        assert record.after == {"email": "new.mail@example.ma", "phone": "+212755334422", "city": "Oujda"}

    async def test_null_clears_an_optional_contact(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session)
        response = await client.patch(f"{CLIENTS}/{row.id}", json={"email": None}, headers=OPERATOR)
        assert response.status_code == 200, response.text
        assert response.json()["email"] is None

    async def test_unchanged_values_write_no_audit(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session)
        response = await client.patch(f"{CLIENTS}/{row.id}", json={"city": row.city}, headers=OPERATOR)
        assert response.status_code == 200
        assert await audit_rows(session, row.id) == []

    async def test_cin_is_normalised_and_may_change_to_a_free_one(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session)
        response = await client.patch(f"{CLIENTS}/{row.id}", json={"cin": "zz 998877"}, headers=OPERATOR)
        assert response.status_code == 200, response.text
        assert response.json()["cin"] == "ZZ998877"

    async def test_cin_of_another_live_client_is_409(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        other = await create_client(session)
        row = await create_client(session)
        response = await client.patch(f"{CLIENTS}/{row.id}", json={"cin": other.cin.lower()}, headers=OPERATOR)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "client_cin_taken"

    async def test_status_delinquent_is_refused_it_belongs_to_collections(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session)
        response = await client.patch(f"{CLIENTS}/{row.id}", json={"status": "delinquent"}, headers=OPERATOR)
        assert_validation_error_on(response, "status")
        assert response.json()["error"]["details"][0]["type"] == "status_managed_by_collections"

    async def test_a_delinquent_client_cannot_be_reactivated_by_hand(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session, status="delinquent")
        response = await client.patch(f"{CLIENTS}/{row.id}", json={"status": "active"}, headers=OPERATOR)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "client_status_managed_by_collections"

    async def test_a_client_can_be_terminated_and_reactivated(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session)
        for status in ("terminated", "active"):
            response = await client.patch(f"{CLIENTS}/{row.id}", json={"status": status}, headers=OPERATOR)
            assert response.status_code == 200, response.text
            assert response.json()["status"] == status

    @pytest.mark.parametrize(
        ("patch", "field"),
        [
            ({"cin": None}, "cin"),
            ({"kind": None}, "kind"),
            ({"status": None}, "status"),
            ({"cin": "12AB"}, "cin"),
            ({"first_name": None}, "first_name"),
            ({"kind": "business"}, "company_name"),
            ({"kind": "business", "company_name": "Rif Bois"}, "ice"),
            ({"ice": "001234567000089"}, "ice"),
            ({"phone": "+212 9 55 33 44 22"}, "phone"),
            ({"email": "nope"}, "email"),
            ({"status": "closed"}, "status"),
            ({"created_by": "me"}, "created_by"),
        ],
    )
    async def test_invalid_update_is_refused_naming_the_field(
        self, client: httpx.AsyncClient, session: AsyncSession, patch: dict[str, Any], field: str
    ) -> None:
        row = await create_client(session)
        response = await client.patch(f"{CLIENTS}/{row.id}", json=patch, headers=OPERATOR)
        assert_validation_error_on(response, field)

    async def test_an_individual_becomes_a_business_with_company_and_ice(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session)
        response = await client.patch(
            f"{CLIENTS}/{row.id}",
            json={"kind": "business", "company_name": "Rif Bois", "ice": "001234567000089"},
            headers=OPERATOR,
        )
        assert response.status_code == 200, response.text
        assert response.json()["display_name"] == "Rif Bois"

    async def test_unknown_client_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.patch(f"{CLIENTS}/{uuid.uuid4()}", json={"city": "Fes"}, headers=OPERATOR)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    async def test_auditor_cannot_update(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session)
        response = await client.patch(f"{CLIENTS}/{row.id}", json={"city": "Fes"}, headers=AUDITOR)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.patch(f"{CLIENTS}/{uuid.uuid4()}", json={})).status_code == 401


class TestDeleteClient:
    async def test_client_without_history_is_deleted_and_audited(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session)
        client_id, cin = row.id, row.cin
        response = await client.delete(f"{CLIENTS}/{client_id}", headers=OPERATOR)
        assert response.status_code == 204, response.text
        assert response.content == b""
        assert await session.scalar(select(Client.id).where(Client.id == client_id)) is None
        assert (await client.get(f"{CLIENTS}/{client_id}", headers=OPERATOR)).status_code == 404
        [record] = await audit_rows(session, client_id)
        assert record.action == "client.deleted"
        assert record.before is not None
        assert record.before["cin"] == cin
        assert record.after is None

    async def test_registered_history_blocks_the_delete_and_names_it(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        blocked = await create_client(session)
        free = await create_client(session)
        blocked_id, free_id = blocked.id, free.id
        await session.commit()

        async def has_invoices(_: AsyncSession, client_id: uuid.UUID) -> bool:
            return client_id == blocked_id

        history.register_client_history_check("test_invoice", has_invoices)
        try:
            response = await client.delete(f"{CLIENTS}/{blocked_id}", headers=OPERATOR)
            assert response.status_code == 409, response.text
            error = response.json()["error"]
            assert error["code"] == "client_delete_blocked"
            assert [detail["type"] for detail in error["details"]] == ["test_invoice"]
            assert await session.scalar(select(Client.id).where(Client.id == blocked_id)) == blocked_id
            # The check is per client: one without that history is still deleted.
            assert (await client.delete(f"{CLIENTS}/{free_id}", headers=OPERATOR)).status_code == 204
        finally:
            history.unregister_client_history_check("test_invoice")

    def test_every_module_with_client_history_registered_its_check(self) -> None:
        """The rule holds as modules land: contracts, billing and collections each answer for their records."""
        create_app(manage_database=False)
        assert {"contract", "invoice", "payment", "collection_case"} <= history.client_history_checks.kinds()

    async def test_a_real_invoice_blocks_the_delete_and_nothing_is_removed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        row = await create_client(session)
        client_id = row.id
        await create_invoice(session, row, due_date=date(2026, 1, 15))  # commits its savepoint
        response = await client.delete(f"{CLIENTS}/{client_id}", headers=OPERATOR)
        assert response.status_code == 409, response.text
        error = response.json()["error"]
        assert error["code"] == "client_delete_blocked"
        assert "invoice" in [detail["type"] for detail in error["details"]]
        assert await session.scalar(select(Client.id).where(Client.id == client_id)) == client_id
        assert await audit_rows(session, client_id) == []

    async def test_a_row_still_pointing_at_the_client_blocks_the_delete(
        self, client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A module that forgot to register a check is still caught by its RESTRICT foreign key."""
        monkeypatch.setattr(history.client_history_checks, "_entries", {})
        row = await create_client(session)
        client_id = row.id
        await session.execute(
            text("CREATE TABLE unregistered_history (client_id uuid REFERENCES clients (id) ON DELETE RESTRICT)")
        )
        await session.execute(text("INSERT INTO unregistered_history VALUES (:id)"), {"id": client_id})
        await session.commit()
        response = await client.delete(f"{CLIENTS}/{client_id}", headers=OPERATOR)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "client_delete_blocked"
        assert await session.scalar(select(Client.id).where(Client.id == client_id)) == client_id

    async def test_unknown_client_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.delete(f"{CLIENTS}/{uuid.uuid4()}", headers=OPERATOR)
        assert response.status_code == 404

    async def test_auditor_cannot_delete(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        row = await create_client(session)
        response = await client.delete(f"{CLIENTS}/{row.id}", headers=AUDITOR)
        assert response.status_code == 403

    async def test_without_token_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.delete(f"{CLIENTS}/{uuid.uuid4()}")).status_code == 401
