"""The finance controller's audit findings on collections (issue 14), with figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections import cases, exceptions
from app.collections.models import CollectionCase, Payment
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client

TODAY = datetime.now(UTC).date()
PAYMENTS = "/api/v1/collections/payments"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


async def _pay(http: httpx.AsyncClient, key: str, body: dict[str, Any]) -> httpx.Response:
    return await http.post(PAYMENTS, json=body, headers=auth_headers("collections", **{"Idempotency-Key": key}))


class TestEvaluationsAreMonotone:
    """Item 3."""

    async def test_an_earlier_day_than_the_last_evaluated_is_refused_and_cases_stay(
        self, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="120.00", due_date=TODAY - timedelta(days=40))
        await cases.evaluate_collections(session, TODAY)
        [case] = await session.scalars(select(CollectionCase).where(CollectionCase.client_id == customer.id))
        assert (case.days_past_due, case.aging_bucket) == (40, "31-60")

        with pytest.raises(exceptions.EvaluationBeforeLastDay) as caught:
            async with session.begin_nested():
                await cases.evaluate_collections(session, TODAY - timedelta(days=20))

        assert caught.value.status_code == 409
        assert caught.value.details[0]["last_evaluated_on"] == TODAY.isoformat()
        await session.refresh(case)
        assert (case.days_past_due, case.aging_bucket, case.evaluated_on) == (40, "31-60", TODAY)

    async def test_the_same_day_again_is_accepted(self, session: AsyncSession) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="120.00", due_date=TODAY - timedelta(days=5))
        await cases.evaluate_collections(session, TODAY)

        summary = await cases.evaluate_collections(session, TODAY)

        assert summary.cases_opened == 0


class TestOverviewForAPastDay:
    """Item 4: only invoices issued by `as_of` and due before it, aged on it, with later payments undone."""

    async def test_figures_are_those_of_that_day(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        as_of = TODAY - timedelta(days=60)
        customer = await create_client(session, created_at=_midnight(TODAY - timedelta(days=400)))
        # Due 10 days before as_of: overdue on that day, aged 10 days.
        aged = await create_invoice(session, customer, total="300.00", due_date=as_of - timedelta(days=10))
        # Issued before as_of but due after it: owed, not overdue, on that day (it is overdue today).
        await create_invoice(
            session, customer, total="200.00", issue_date=as_of - timedelta(days=5), due_date=as_of + timedelta(days=5)
        )
        # Issued after as_of: did not exist on that day.
        await create_invoice(session, customer, total="50.00", issue_date=as_of + timedelta(days=1), due_date=TODAY)
        await cases.evaluate_collections(session, TODAY)
        paid = await _pay(
            client,
            "past-overview-1",
            {
                "client_id": str(customer.id),
                "amount": "100.00",
                "method": "cash",
                "allocations": [{"invoice_id": str(aged.id), "amount": "100.00"}],
            },
        )
        assert paid.status_code == 201, paid.text

        response = await client.get(
            "/api/v1/collections/overview", params={"as_of": as_of.isoformat()}, headers=auth_headers("collections")
        )

        figures = response.json()
        # The 100.00 was received today, after as_of: on as_of the 300.00 was still owed in full. 300 + 200.
        assert figures["total_outstanding"] == "500.00"
        assert figures["overdue_total"] == "300.00"
        assert figures["overdue_by_aging_bucket"][0] == {"bucket": "0-30", "amount": "300.00", "count": 1}
        assert all(row["count"] == 0 for row in figures["overdue_by_aging_bucket"][1:])


class TestQuestionablePayments:
    """Item 8."""

    async def test_money_received_before_the_client_existed_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="120.00", due_date=TODAY + timedelta(days=10))

        response = await _pay(
            client,
            "before-client-1",
            {
                "client_id": str(customer.id),
                "amount": "50.00",
                "method": "cash",
                "received_at": "2020-03-01T10:00:00+00:00",
            },
        )

        assert response.status_code == 422
        error = response.json()["error"]
        assert (error["code"], error["details"][0]["loc"]) == ("received_before_client", ["body", "received_at"])

    async def test_the_same_bank_line_twice_is_409_unless_confirmed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="300.00", due_date=TODAY + timedelta(days=10))
        # Read before the requests: the refused one rolls back the shared session and expires `customer`.
        customer_id = customer.id
        body = {"client_id": str(customer_id), "amount": "100.00", "method": "bank_transfer", "reference": "VIR-77"}

        first = await _pay(client, "dup-1", body)
        second = await _pay(client, "dup-2", body)
        other_amount = await _pay(client, "dup-3", {**body, "amount": "90.00"})
        confirmed = await _pay(client, "dup-4", {**body, "confirm_duplicate": True})

        assert first.status_code == 201, first.text
        assert second.status_code == 409
        assert second.json()["error"]["code"] == "possible_duplicate_payment"
        assert second.json()["error"]["details"][0]["existing_payment_id"] == first.json()["id"]
        assert other_amount.status_code == 201, other_amount.text
        assert confirmed.status_code == 201, confirmed.text
        # 100.00 + 90.00 + 100.00 recorded; the refused one left nothing behind.
        amounts = await session.scalars(select(Payment.amount).where(Payment.client_id == customer_id))
        assert sorted(str(amount) for amount in amounts) == ["100.00", "100.00", "90.00"]
