"""Dashboard figures, legal tax rates, and the CSV exports that select exactly the rows of their lists."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections import cases
from tests.fixtures.auth import auth_headers
from tests.fixtures.billing_factories import create_contract
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client, create_offer

TODAY = datetime.now(UTC).date()


async def dashboard(http: httpx.AsyncClient, role: str = "operator") -> dict[str, Any]:
    response = await http.get("/api/v1/reporting/dashboard", headers=auth_headers(role))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def category(figures: dict[str, Any], name: str) -> tuple[int, Decimal]:
    row = next(row for row in figures["by_category"] if row["category"] == name)
    return row["active_contracts"], Decimal(row["monthly_recurring_revenue"])


class TestDashboard:
    async def test_figures_move_with_contracts_invoices_and_payments(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        before = await dashboard(client)
        customer = await create_client(session)
        mobile = await create_offer(session, "mobile")
        internet = await create_offer(session, "fiber")
        await create_contract(session, customer, mobile, start_date=TODAY, monthly_fee="99.00")
        await create_contract(session, customer, mobile, start_date=TODAY, monthly_fee="149.50")
        await create_contract(session, customer, internet, start_date=TODAY, monthly_fee="300.00")
        await create_contract(session, customer, internet, start_date=TODAY, monthly_fee="250.00", status="suspended")
        await create_invoice(session, customer, total="240.00", issue_date=TODAY, due_date=TODAY)
        await create_invoice(
            session, customer, total="60.00", issue_date=TODAY - timedelta(days=40), due_date=TODAY - timedelta(days=5)
        )
        await cases.evaluate_collections(session, TODAY)
        await session.commit()
        paid = await client.post(
            "/api/v1/collections/payments",
            json={"client_id": str(customer.id), "amount": "20.00", "method": "cash"},
            headers=auth_headers("collections", **{"Idempotency-Key": "dashboard-1"}),
        )
        assert paid.status_code == 201, paid.text

        after = await dashboard(client)

        assert after["active_clients"] - before["active_clients"] == 1
        # Only active contracts count; the suspended fiber one bills nothing this month.
        mobile_before, mobile_after = category(before, "mobile"), category(after, "mobile")
        assert mobile_after[0] - mobile_before[0] == 2
        assert mobile_after[1] - mobile_before[1] == Decimal("248.50")  # 99.00 + 149.50
        internet_before, internet_after = category(before, "internet"), category(after, "internet")
        assert (internet_after[0] - internet_before[0], internet_after[1] - internet_before[1]) == (
            1,
            Decimal("300.00"),
        )
        mrr_delta = Decimal(after["monthly_recurring_revenue"]) - Decimal(before["monthly_recurring_revenue"])
        assert mrr_delta == Decimal("548.50")  # 248.50 + 300.00
        # The 20.00 went to the oldest (overdue) invoice: 60.00 - 20.00 = 40.00 still overdue.
        assert Decimal(after["overdue_total"]) - Decimal(before["overdue_total"]) == Decimal("40.00")
        assert Decimal(after["collected_this_month"]) - Decimal(before["collected_this_month"]) == Decimal("20.00")
        assert Decimal(after["total_outstanding"]) - Decimal(before["total_outstanding"]) == Decimal("280.00")
        assert after["open_cases"] - before["open_cases"] == 1
        assert after["last_billing_run"] is not None

    async def test_every_workspace_role_reads_it_and_anonymous_is_refused(self, client: httpx.AsyncClient) -> None:
        for role in ("operator", "billing", "collections", "auditor", "admin"):
            assert (await client.get("/api/v1/reporting/dashboard", headers=auth_headers(role))).status_code == 200
        anonymous = await client.get("/api/v1/reporting/dashboard")
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["code"] == "not_authenticated"


class TestTaxRates:
    async def test_the_configured_legal_rates_highest_first(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/reporting/tax-rates", headers=auth_headers("billing"))
        assert response.status_code == 200
        assert response.json() == ["0.20", "0.14", "0.10", "0.07", "0.00"]

    async def test_an_operator_cannot_read_them(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/reporting/tax-rates", headers=auth_headers("operator"))
        assert response.status_code == 403


def parse(text: str) -> list[dict[str, str]]:
    # The exports start with a UTF-8 BOM so spreadsheets read accents.
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


class TestInvoiceListAndExport:
    async def test_amount_range_and_sort_in_the_list_and_the_same_rows_in_the_csv(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        for total in ("50.00", "120.00", "300.00", "999.99"):
            await create_invoice(session, customer, total=total, due_date=TODAY + timedelta(days=10))
        params = {"client_id": str(customer.id), "total_min": "100.00", "total_max": "999.99", "sort": "-total"}
        listed = await client.get("/api/v1/invoices", params=params, headers=auth_headers("billing"))
        assert listed.status_code == 200, listed.text
        assert [row["total"] for row in listed.json()["items"]] == ["999.99", "300.00", "120.00"]
        ascending = await client.get(
            "/api/v1/invoices", params={**params, "sort": "total"}, headers=auth_headers("billing")
        )
        assert [row["total"] for row in ascending.json()["items"]] == ["120.00", "300.00", "999.99"]

        exported = await client.get("/api/v1/invoices/export.csv", params=params, headers=auth_headers("collections"))
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        assert 'filename="invoices.csv"' in exported.headers["content-disposition"]
        rows = parse(exported.text)
        assert [row["total"] for row in rows] == ["999.99", "300.00", "120.00"]
        assert [row["invoice_number"] for row in rows] == [r["invoice_number"] for r in listed.json()["items"]]
        assert rows[0]["outstanding_amount"] == "999.99"

    async def test_the_export_streams_every_row(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        for _ in range(505):  # more than one cursor batch of 500
            await create_invoice(session, customer, total="10.00", due_date=TODAY + timedelta(days=10))
        exported = await client.get(
            "/api/v1/invoices/export.csv", params={"client_id": str(customer.id)}, headers=auth_headers("billing")
        )
        rows = parse(exported.text)
        assert len(rows) == 505
        assert len({row["invoice_number"] for row in rows}) == 505

    async def test_bad_filters_are_422_naming_the_field(self, client: httpx.AsyncClient) -> None:
        # A period bound is an ISO date: a number (read as a Unix time by a lenient parser) is refused.
        for params, field in (
            ({"total_min": "-1.00"}, "total_min"),
            ({"sort": "secret"}, "sort"),
            ({"period_start": "1764547200"}, "period_start"),
        ):
            for path in ("/api/v1/invoices", "/api/v1/invoices/export.csv"):
                response = await client.get(path, params=params, headers=auth_headers("billing"))
                assert response.status_code == 422, (path, response.text)
                assert field in response.text

    async def test_the_export_keeps_the_list_roles(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/invoices/export.csv", headers=auth_headers("operator"))
        assert response.status_code == 403


class TestCaseListAndExport:
    async def test_amount_range_sort_and_csv(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customers = [await create_client(session) for _ in range(3)]
        for customer, total, days in zip(customers, ("80.00", "500.00", "1500.00"), (10, 40, 100), strict=True):
            await create_invoice(session, customer, total=total, due_date=TODAY - timedelta(days=days))
        await cases.evaluate_collections(session, TODAY)
        await session.commit()
        ids = {str(c.id) for c in customers}
        params = {"overdue_min": "100.00", "sort": "total_overdue", "limit": "200"}
        listed = await client.get("/api/v1/collections/cases", params=params, headers=auth_headers("collections"))
        assert listed.status_code == 200, listed.text
        mine = [row for row in listed.json()["items"] if row["client_id"] in ids]
        assert [row["total_overdue"] for row in mine] == ["500.00", "1500.00"]
        amounts = [Decimal(row["total_overdue"]) for row in listed.json()["items"]]
        assert amounts == sorted(amounts)
        assert min(amounts) >= Decimal("100.00")

        exported = await client.get(
            "/api/v1/collections/cases/export.csv",
            params={"overdue_min": "100.00", "overdue_max": "600.00", "aging_bucket": "31-60"},
            headers=auth_headers("billing"),
        )
        assert exported.status_code == 200
        rows = [row for row in parse(exported.text) if row["client_id"] in ids]
        assert [(row["total_overdue"], row["aging_bucket"]) for row in rows] == [("500.00", "31-60")]

    async def test_the_export_keeps_the_list_roles(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/collections/cases/export.csv", headers=auth_headers("operator"))
        assert response.status_code == 403
