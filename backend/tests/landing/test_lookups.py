"""Subscriptions and invoices of a CIN: only with a valid lookup token for that very CIN."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.landing import tokens
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import (
    LANDING,
    bill_period,
    landing_cin,
    next_month,
    start_in,
    subscribe,
    verify_cin,
)


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "invalid_lookup_token"


@pytest.mark.parametrize("resource", ["subscriptions", "invoices"])
class TestLookupTokenIsRequired:
    async def test_a_missing_token_is_refused(self, client: httpx.AsyncClient, resource: str) -> None:
        _refused(await client.get(f"{LANDING}/clients/{landing_cin()}/{resource}"))

    async def test_an_expired_token_is_refused(self, client: httpx.AsyncClient, resource: str) -> None:
        cin = landing_cin()
        expired = tokens.issue_lookup_token(
            get_settings(), cin, now=datetime.now(UTC) - timedelta(minutes=15, seconds=1)
        )
        _refused(await client.get(f"{LANDING}/clients/{cin}/{resource}", params={"lookup_token": expired.token}))

    async def test_a_tampered_token_is_refused(self, client: httpx.AsyncClient, resource: str) -> None:
        cin = landing_cin()
        token = await verify_cin(client, cin)
        tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        _refused(await client.get(f"{LANDING}/clients/{cin}/{resource}", params={"lookup_token": tampered}))

    async def test_a_token_of_another_cin_is_refused(self, client: httpx.AsyncClient, resource: str) -> None:
        token = await verify_cin(client, landing_cin())
        _refused(await client.get(f"{LANDING}/clients/{landing_cin()}/{resource}", params={"lookup_token": token}))

    async def test_a_staff_token_is_refused(self, client: httpx.AsyncClient, resource: str) -> None:
        from tests.fixtures.auth import token_for

        response = await client.get(
            f"{LANDING}/clients/{landing_cin()}/{resource}", params={"lookup_token": token_for("admin")}
        )
        _refused(response)

    async def test_a_malformed_cin_is_422(self, client: httpx.AsyncClient, resource: str) -> None:
        response = await client.get(f"{LANDING}/clients/12-34/{resource}", params={"lookup_token": "x"})
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["path", "cin"]


class TestSubscriptions:
    async def test_lists_the_live_contracts_with_masked_numbers(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        mobile, fiber = await create_offer(session, "mobile"), await create_offer(session, "fiber")
        cin = landing_cin()
        first = await subscribe(client, mobile, cin=cin, requested_mobile_local_number="0769112233")
        second = await subscribe(client, fiber, cin=cin, home_landline_local_number="0539112233")
        token = await verify_cin(client, cin)

        response = await client.get(f"{LANDING}/clients/{cin.lower()}/subscriptions", params={"lookup_token": token})

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == 2
        by_id = {item["contract_id"]: item for item in body["items"]}
        mobile_item = by_id[first["contract"]["contract_id"]]
        assert mobile_item["masked_line_number"] == "+212 7** ** ** 33"
        assert mobile_item["offer"] == {
            "id": str(mobile.id),
            "code": mobile.code,
            "name": mobile.name,
            "category": "mobile",
        }
        assert mobile_item["status"] == "active"
        assert mobile_item["monthly_fee"] == "199.00"
        assert by_id[second["contract"]["contract_id"]]["service_type"] == "fiber"
        assert "769112233" not in response.text


class TestInvoices:
    async def test_lists_issued_invoices_with_amounts_status_and_a_pdf_link(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("100.00"), activation_fee=Decimal("0.00"))
        cin = landing_cin()
        start, end = next_month()
        await subscribe(client, offer, cin=cin, contract_start_date=start.isoformat())
        run = await bill_period(session, start, end)
        token = await verify_cin(client, cin)

        response = await client.get(f"{LANDING}/clients/{cin}/invoices", params={"lookup_token": token})

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["total"], body["limit"], body["offset"]) == (1, 50, 0)
        invoice = body["items"][0]
        assert invoice["invoice_number"].startswith("FAC-")
        assert invoice["period_start"] == run.period_start.isoformat()
        assert invoice["period_end"] == run.period_end.isoformat()
        assert invoice["subtotal"] == "100.00"
        assert invoice["tax_amount"] == "20.00"
        assert invoice["total"] == "120.00"
        assert invoice["outstanding_amount"] == "120.00"
        assert invoice["currency"] == "MAD"
        assert invoice["status"] == "issued"
        assert invoice["due_date"] == (run.issue_date + timedelta(days=15)).isoformat()
        assert invoice["document"]["url"].startswith(f"{LANDING}/invoices/{invoice['invoice_id']}/document?token=")

    async def test_another_clients_invoices_are_not_listed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        owner, other = landing_cin(), landing_cin()
        await subscribe(client, offer, cin=owner, contract_start_date=start_in(0).isoformat())
        await subscribe(client, offer, cin=other, contract_start_date=start_in(0).isoformat())
        await bill_period(session, start_in(0), start_in(29))
        token = await verify_cin(client, other)
        await session.commit()
        response = await client.get(f"{LANDING}/clients/{other}/invoices", params={"lookup_token": token, "limit": 1})
        assert response.json()["total"] == 1
        assert response.json()["limit"] == 1
