"""CSV exports of the clients, offers and contracts lists: the list's filters, its roles, streamed CSV; and the
list helpers the SPA relies on (client sort, contract search, contract counts per client)."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import auth_headers
from tests.fixtures.contracts_factories import create_contract
from tests.fixtures.factories import create_client, create_offer


def rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))


class TestClientsExport:
    async def test_exports_only_the_filtered_clients_in_the_lists_order(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        city = f"Ifrane-{uuid.uuid4().hex[:6]}"
        await create_client(session, city=city, last_name="Bennani", first_name="Sara")
        await create_client(session, city=city, last_name="Alaoui", first_name="Omar")
        await create_client(session, city=city, last_name="Chraibi", first_name="Nadia", status="terminated")
        await create_client(session, city="Rabat", last_name="Zniber")

        response = await client.get(
            "/api/v1/clients/export.csv",
            params={"city": city, "status": "active", "sort": "name"},
            headers=auth_headers("billing"),
        )

        exported = rows(response)
        assert [r["name"] for r in exported] == ["Omar Alaoui", "Sara Bennani"]
        assert exported[0]["city"] == city
        assert response.headers["content-disposition"] == 'attachment; filename="clients.csv"'

    async def test_a_formula_in_a_cell_is_defused_but_phone_numbers_are_kept(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        city = f"Safi-{uuid.uuid4().hex[:6]}"
        await create_client(session, city=city, last_name="=HYPERLINK(1)", phone="+212655334422")
        exported = rows(
            await client.get("/api/v1/clients/export.csv", params={"city": city}, headers=auth_headers("operator"))
        )
        assert exported[0]["last_name"] == "'=HYPERLINK(1)"
        assert exported[0]["phone"] == "+212655334422"

    async def test_needs_a_reading_role_like_the_list(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/clients/export.csv")).status_code == 401

    async def test_a_bad_filter_is_a_422_on_its_query_field(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/v1/clients/export.csv", params={"phone": "12"}, headers=auth_headers("operator")
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["query", "phone"]


class TestClientsSort:
    @pytest.mark.parametrize(("sort", "expected"), [("name", ["A", "B", "C"]), ("-name", ["C", "B", "A"])])
    async def test_sorts_by_name_both_ways(
        self, client: httpx.AsyncClient, session: AsyncSession, sort: str, expected: list[str]
    ) -> None:
        city = f"Tanger-{uuid.uuid4().hex[:6]}"
        for last in ("B", "C", "A"):
            await create_client(session, city=city, last_name=last, first_name="x")
        response = await client.get(
            "/api/v1/clients", params={"city": city, "sort": sort}, headers=auth_headers("operator")
        )
        assert [item["last_name"] for item in response.json()["items"]] == expected

    async def test_an_unknown_sort_column_is_a_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/clients", params={"sort": "password"}, headers=auth_headers("operator"))
        assert response.status_code == 422


class TestOffersExport:
    async def test_exports_the_filtered_offers_with_their_fees(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "landline")
        await create_offer(session, "mobile")
        exported = rows(
            await client.get("/api/v1/offers/export.csv", params={"code": offer.code}, headers=auth_headers("auditor"))
        )
        assert [r["code"] for r in exported] == [offer.code]
        assert exported[0]["category"] == "landline"
        assert exported[0]["monthly_fee"] == str(offer.monthly_fee)

    async def test_needs_a_token(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/offers/export.csv")).status_code == 401


class TestContractsExportSearchAndCounts:
    async def test_exports_the_clients_contracts_with_their_line_numbers(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        first = await create_contract(session, owner)
        second = await create_contract(session, owner, status="suspended")
        await create_contract(session)
        exported = rows(
            await client.get(
                "/api/v1/contracts/export.csv", params={"client_id": str(owner.id)}, headers=auth_headers("collections")
            )
        )
        assert {r["contract_number"] for r in exported} == {first.contract_number, second.contract_number}
        assert all(r["phone_number"].startswith("+212") for r in exported)

        suspended = rows(
            await client.get(
                "/api/v1/contracts/export.csv",
                params={"client_id": str(owner.id), "status": "suspended"},
                headers=auth_headers("operator"),
            )
        )
        assert [r["contract_number"] for r in suspended] == [second.contract_number]

    async def test_q_finds_a_contract_by_part_of_its_number(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        contract = await create_contract(session)
        await create_contract(session)
        response = await client.get(
            "/api/v1/contracts", params={"q": contract.contract_number[-6:].lower()}, headers=auth_headers("operator")
        )
        assert str(contract.id) in [item["id"] for item in response.json()["items"]]
        exact = await client.get(
            "/api/v1/contracts", params={"q": contract.contract_number}, headers=auth_headers("operator")
        )
        assert [item["id"] for item in exact.json()["items"]] == [str(contract.id)]

    async def test_counts_contracts_per_client_including_those_with_none(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        busy, idle = await create_client(session), await create_client(session)
        await create_contract(session, busy)
        await create_contract(session, busy, status="terminated")
        response = await client.get(
            "/api/v1/contracts/counts-by-client",
            params={"client_id": [str(busy.id), str(idle.id)]},
            headers=auth_headers("operator"),
        )
        assert response.json() == {str(busy.id): 2, str(idle.id): 0}
        live = await client.get(
            "/api/v1/contracts/counts-by-client",
            params={"client_id": [str(busy.id)], "live_only": "true"},
            headers=auth_headers("operator"),
        )
        assert live.json() == {str(busy.id): 1}
