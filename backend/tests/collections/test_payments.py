"""POST/GET /api/v1/collections/payments and approve-paid: money recorded once, never above what is owed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections.models import OutboxEvent, Payment
from app.customers import service as customers_service
from app.customers.exceptions import ClientDeleteBlocked
from app.kit.audit import AuditRecord
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import collections_footprint, create_invoice, reload
from tests.fixtures.factories import create_client

PAYMENTS = "/api/v1/collections/payments"
TODAY = datetime.now(UTC).date()
FUTURE_DUE = TODAY + timedelta(days=20)


def collector(key: str | None = None, **extra: str) -> dict[str, str]:
    headers = auth_headers("collections", subject="agent.amina", **extra)
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def new_key() -> str:
    return f"pay-{uuid.uuid4()}"


def payment_body(client_id: uuid.UUID, amount: str, **overrides: Any) -> dict[str, Any]:
    return {
        "client_id": str(client_id),
        "amount": amount,
        "method": "bank_transfer",
        "reference": "VIR-001",
        **overrides,
    }


async def pay(http: httpx.AsyncClient, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    return await http.post(PAYMENTS, json=body, headers=collector(key or new_key()))


class TestRecordPayment:
    async def test_without_allocations_the_oldest_due_date_is_paid_first(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        newest = await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=40))
        oldest = await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=10))
        middle = await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=25))

        response = await pay(client, payment_body(customer.id, "150.00"))

        assert response.status_code == 201, response.text
        body = response.json()
        assert [(a["invoice_id"], a["amount"]) for a in body["allocations"]] == [
            (str(oldest.id), "100.00"),
            (str(middle.id), "50.00"),
        ]
        assert body["allocations"][0]["invoice_number"] == oldest.invoice_number
        assert [(i["status"], i["outstanding_amount"]) for i in body["invoices"]] == [
            ("paid", "0.00"),
            ("issued", "50.00"),
        ]
        assert (await reload(session, newest)).paid_amount == Decimal("0.00")
        assert (await reload(session, middle)).paid_amount == Decimal("50.00")
        assert body["amount"] == "150.00"
        assert body["created_by"] == "agent.amina"
        assert body["source"] == "payment"

    async def test_given_allocations_are_applied_as_asked(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        older = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        newer = await create_invoice(session, customer, total="200.00", due_date=FUTURE_DUE + timedelta(days=30))

        response = await pay(
            client,
            payment_body(
                customer.id,
                "230.00",
                allocations=[
                    {"invoice_id": str(newer.id), "amount": "200.00"},
                    {"invoice_id": str(older.id), "amount": "30.00"},
                ],
            ),
        )

        assert response.status_code == 201, response.text
        assert (await reload(session, newer)).status == "paid"
        assert (await reload(session, older)).outstanding_amount == Decimal("70.00")

    async def test_payment_is_audited_and_published_to_the_outbox(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)

        response = await pay(client, payment_body(customer.id, "40.00"))

        payment_id = response.json()["id"]
        audit = await session.scalar(select(AuditRecord).where(AuditRecord.entity_id == payment_id))
        assert audit is not None
        assert (audit.action, audit.actor, audit.role) == ("payment.recorded", "agent.amina", "collections")
        assert audit.after is not None
        assert audit.after["amount"] == "40.00"
        event = await session.scalar(select(OutboxEvent).where(OutboxEvent.payload["payment_id"].astext == payment_id))
        assert event is not None
        assert event.type == "payment.recorded"
        assert event.delivered_at is None
        assert event.payload["allocations"][0]["amount"] == "40.00"

    async def test_the_client_cannot_be_hard_deleted_once_it_has_paid(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        await pay(client, payment_body(customer.id, "40.00"))

        with pytest.raises(ClientDeleteBlocked) as blocked:
            await customers_service.delete_client(session, customer.id)

        assert "payment" in {detail["kind"] for detail in blocked.value.details}


class TestPaymentRefusals:
    """Each refusal answers 422 naming the field, and nothing at all is written."""

    async def _refused(
        self, http: httpx.AsyncClient, session: AsyncSession, client_id: uuid.UUID, body: dict[str, Any]
    ) -> dict[str, Any]:
        before = await collections_footprint(session, client_id)
        response = await pay(http, body)
        assert response.status_code == 422, response.text
        assert await collections_footprint(session, client_id) == before
        error: dict[str, Any] = response.json()["error"]
        return error

    async def test_an_amount_above_the_clients_total_outstanding_is_an_overpayment(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        first = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        second = await create_invoice(session, customer, total="50.00", due_date=FUTURE_DUE, paid_amount="10.00")

        error = await self._refused(client, session, customer.id, payment_body(customer.id, "140.01"))

        assert error["code"] == "overpayment"
        assert error["details"][0]["loc"] == ["body", "amount"]
        assert (await reload(session, first)).paid_amount == Decimal("0.00")
        assert (await reload(session, second)).paid_amount == Decimal("10.00")

    async def test_a_client_who_owes_nothing_cannot_pay(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=FUTURE_DUE, status="paid", paid_amount="120.00")

        error = await self._refused(client, session, customer.id, payment_body(customer.id, "0.01"))

        assert error["code"] == "overpayment"

    async def test_an_allocation_above_the_invoice_outstanding_is_an_overpayment(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        small = await create_invoice(session, customer, total="50.00", due_date=FUTURE_DUE)
        large = await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        body = payment_body(
            customer.id,
            "100.00",
            allocations=[
                {"invoice_id": str(large.id), "amount": "40.00"},
                {"invoice_id": str(small.id), "amount": "60.00"},
            ],
        )

        error = await self._refused(client, session, customer.id, body)

        assert error["code"] == "overpayment"
        assert error["details"][0]["loc"] == ["body", "allocations", 1, "amount"]
        assert (await reload(session, large)).paid_amount == Decimal("0.00")

    async def test_allocations_that_do_not_add_up_to_the_amount_are_a_mismatch(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        body = payment_body(customer.id, "100.00", allocations=[{"invoice_id": str(invoice.id), "amount": "90.00"}])

        error = await self._refused(client, session, customer.id, body)

        assert error["code"] == "allocation_mismatch"
        assert error["details"][0]["loc"] == ["body", "allocations"]
        assert (await reload(session, invoice)).paid_amount == Decimal("0.00")

    async def test_an_invoice_of_another_client_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        someone_else = await create_invoice(session, await create_client(session), total="500.00", due_date=FUTURE_DUE)
        body = payment_body(
            customer.id, "100.00", allocations=[{"invoice_id": str(someone_else.id), "amount": "100.00"}]
        )

        error = await self._refused(client, session, customer.id, body)

        assert error["code"] == "invoice_of_another_client"
        assert error["details"][0]["loc"] == ["body", "allocations", 0, "invoice_id"]
        assert (await reload(session, someone_else)).paid_amount == Decimal("0.00")

    async def test_an_unknown_invoice_is_refused(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        body = payment_body(customer.id, "10.00", allocations=[{"invoice_id": str(uuid.uuid4()), "amount": "10.00"}])

        error = await self._refused(client, session, customer.id, body)

        assert error["code"] == "invoice_not_found"

    async def test_an_allocation_to_a_paid_invoice_is_an_overpayment(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        paid = await create_invoice(session, customer, due_date=FUTURE_DUE, status="paid", paid_amount="120.00")
        body = payment_body(customer.id, "10.00", allocations=[{"invoice_id": str(paid.id), "amount": "10.00"}])

        error = await self._refused(client, session, customer.id, body)

        assert error["code"] == "overpayment"

    async def test_an_allocation_to_a_draft_invoice_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        draft = await create_invoice(session, customer, due_date=FUTURE_DUE, status="draft")
        body = payment_body(customer.id, "10.00", allocations=[{"invoice_id": str(draft.id), "amount": "10.00"}])

        error = await self._refused(client, session, customer.id, body)

        assert error["code"] == "invoice_not_payable"

    async def test_an_unknown_client_is_refused(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        unknown = uuid.uuid4()

        error = await self._refused(client, session, unknown, payment_body(unknown, "10.00"))

        assert (error["code"], error["details"][0]["loc"]) == ("client_not_found", ["body", "client_id"])

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("amount", "0.00"),
            ("amount", "-5.00"),
            ("amount", "10.001"),
            ("method", "bitcoin"),
            ("received_at", "2026-01-01T10:00:00"),
            # PostgreSQL text cannot store NUL: a 422 naming the field, never a 500 from the driver.
            ("reference", "VIR\u0000001"),
            ("reference", "VIR\n001"),
            # Year 1 at +14:00 is before datetime.min in UTC: refused instead of overflowing.
            ("received_at", "0001-01-01T00:00:00+14:00"),
            ("received_at", "1999-12-31T23:59:59Z"),
        ],
    )
    async def test_invalid_fields_are_validation_errors(
        self, client: httpx.AsyncClient, session: AsyncSession, field: str, value: str
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)

        body = {**payment_body(customer.id, "10.00"), field: value}

        error = await self._refused(client, session, customer.id, body)

        assert error["code"] == "validation_error"
        assert error["details"][0]["loc"][:2] == ["body", field]

    async def test_money_received_in_the_future_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()

        error = await self._refused(
            client, session, customer.id, payment_body(customer.id, "10.00", received_at=tomorrow)
        )

        assert error["details"][0]["loc"] == ["body", "received_at"]

    async def test_one_invoice_allocated_twice_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="500.00", due_date=FUTURE_DUE)
        twice = [{"invoice_id": str(invoice.id), "amount": "5.00"}] * 2

        error = await self._refused(client, session, customer.id, payment_body(customer.id, "10.00", allocations=twice))

        assert error["details"][0]["loc"] == ["body", "allocations"]


class TestPaymentIdempotency:
    async def test_the_same_key_and_body_replays_the_first_answer_and_pays_once(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        body = payment_body(customer.id, "30.00")

        first = await pay(client, body, key="bank-file-line-17")
        again = await pay(client, body, key="bank-file-line-17")

        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        assert (await reload(session, invoice)).paid_amount == Decimal("30.00")
        assert (await collections_footprint(session, customer.id))["payments"] == 1

    async def test_the_same_key_with_another_body_is_a_conflict(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        await pay(client, payment_body(customer.id, "30.00"), key="bank-file-line-18")

        response = await pay(client, payment_body(customer.id, "31.00"), key="bank-file-line-18")

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_conflict"
        assert (await reload(session, invoice)).paid_amount == Decimal("30.00")

    async def test_a_missing_key_is_refused_before_anything_is_written(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        customer_id = customer.id
        await session.commit()  # the refused request rolls back its own work only

        response = await client.post(PAYMENTS, json=payment_body(customer_id, "30.00"), headers=collector())

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"
        assert (await collections_footprint(session, customer_id))["payments"] == 0


class TestApprovePaid:
    def url(self, invoice_id: uuid.UUID | str) -> str:
        return f"/api/v1/collections/invoices/{invoice_id}/approve-paid"

    async def test_records_a_payment_of_the_full_outstanding_amount_with_the_actor(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="240.00", paid_amount="40.00", due_date=FUTURE_DUE)

        response = await client.post(self.url(invoice.id), json={"method": "cash"}, headers=collector(new_key()))

        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["amount"], body["method"], body["source"], body["created_by"]) == (
            "200.00",
            "cash",
            "invoice_approval",
            "agent.amina",
        )
        assert body["invoices"] == [
            {
                "invoice_id": str(invoice.id),
                "invoice_number": invoice.invoice_number,
                "status": "paid",
                "total": "240.00",
                "paid_amount": "240.00",
                "outstanding_amount": "0.00",
            }
        ]
        fresh = await reload(session, invoice)
        assert (fresh.status, fresh.paid_amount) == ("paid", Decimal("240.00"))
        audit = await session.scalar(
            select(AuditRecord).where(
                AuditRecord.action == "invoice.approved_paid", AuditRecord.entity_id == str(invoice.id)
            )
        )
        assert audit is not None
        assert audit.actor == "agent.amina"
        assert audit.before == {"status": "issued", "paid_amount": "40.00"}
        payment = await session.get(Payment, uuid.UUID(body["id"]))
        assert payment is not None
        assert payment.amount == Decimal("200.00")

    async def test_without_a_body_it_is_recorded_as_a_bank_transfer(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoice = await create_invoice(session, await create_client(session), due_date=FUTURE_DUE)

        response = await client.post(self.url(invoice.id), headers=collector(new_key()))

        assert response.status_code == 201, response.text
        assert response.json()["method"] == "bank_transfer"

    async def test_an_already_paid_invoice_is_a_conflict_and_nothing_is_written(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, due_date=FUTURE_DUE)
        client_id, invoice_id = customer.id, invoice.id
        await client.post(self.url(invoice_id), headers=collector(new_key()))

        response = await client.post(self.url(invoice_id), headers=collector(new_key()))

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invoice_already_paid"
        assert (await collections_footprint(session, client_id))["payments"] == 1

    async def test_the_same_key_with_another_body_is_a_conflict_and_pays_nothing_more(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="100.00", paid_amount="40.00", due_date=FUTURE_DUE)
        other = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        client_id, invoice_id, other_id = customer.id, invoice.id, other.id
        first = await client.post(self.url(invoice_id), json={"method": "cash"}, headers=collector("approve-2"))

        other_body = await client.post(self.url(invoice_id), json={"method": "card"}, headers=collector("approve-2"))
        other_invoice = await client.post(self.url(other_id), json={"method": "cash"}, headers=collector("approve-2"))

        assert first.status_code == 201, first.text
        assert [r.status_code for r in (other_body, other_invoice)] == [409, 409]
        assert {r.json()["error"]["code"] for r in (other_body, other_invoice)} == {"idempotency_key_conflict"}
        assert (await reload(session, other)).paid_amount == Decimal("0.00")
        assert (await collections_footprint(session, client_id))["payments"] == 1

    async def test_a_received_at_before_2000_is_refused(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        invoice = await create_invoice(session, await create_client(session), due_date=FUTURE_DUE)

        response = await client.post(
            self.url(invoice.id), json={"received_at": "0001-01-01T00:00:00+14:00"}, headers=collector(new_key())
        )

        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "received_at"]
        assert (await reload(session, invoice)).status == "issued"

    async def test_replaying_the_key_answers_the_first_payment_again(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoice = await create_invoice(session, await create_client(session), due_date=FUTURE_DUE)

        first = await client.post(self.url(invoice.id), headers=collector("approve-1"))
        again = await client.post(self.url(invoice.id), headers=collector("approve-1"))

        assert again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert again.headers["Idempotent-Replayed"] == "true"

    async def test_a_draft_invoice_cannot_be_approved(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        invoice = await create_invoice(session, await create_client(session), due_date=FUTURE_DUE, status="draft")

        response = await client.post(self.url(invoice.id), headers=collector(new_key()))

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invoice_not_payable"

    async def test_an_unknown_invoice_is_not_found(self, client: httpx.AsyncClient) -> None:
        response = await client.post(self.url(uuid.uuid4()), headers=collector(new_key()))

        assert response.status_code == 404

    async def test_the_key_is_required(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        invoice = await create_invoice(session, await create_client(session), due_date=FUTURE_DUE)

        response = await client.post(self.url(invoice.id), headers=collector())

        assert response.status_code == 400
        assert (await reload(session, invoice)).status == "issued"


class TestListPayments:
    async def test_filters_by_client_invoice_method_and_received_dates(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # A client since 2025: its January 2026 payment is after it existed.
        customer = await create_client(session, created_at=datetime(2025, 6, 1, tzinfo=UTC))
        first = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        second = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE + timedelta(days=30))
        other = await create_client(session)
        await create_invoice(session, other, total="100.00", due_date=FUTURE_DUE)
        old_day = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
        cash = await pay(client, payment_body(customer.id, "60.00", method="cash", received_at=old_day.isoformat()))
        card = await pay(
            client,
            payment_body(
                customer.id, "50.00", method="card", allocations=[{"invoice_id": str(second.id), "amount": "50.00"}]
            ),
        )
        await pay(client, payment_body(other.id, "10.00"))

        async def ids(**params: str) -> list[str]:
            response = await client.get(PAYMENTS, params=params, headers=auth_headers("collections"))
            assert response.status_code == 200, response.text
            return [item["id"] for item in response.json()["items"]]

        cash_id, card_id = cash.json()["id"], card.json()["id"]
        assert await ids(client_id=str(customer.id)) == [card_id, cash_id]
        assert await ids(invoice_id=str(first.id)) == [cash_id]
        assert await ids(client_id=str(customer.id), method="card") == [card_id]
        assert await ids(client_id=str(customer.id), received_from="2026-01-15", received_to="2026-01-15") == [cash_id]
        assert await ids(client_id=str(customer.id), received_from="2026-01-16") == [card_id]

    async def test_a_received_range_ending_before_it_starts_is_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            PAYMENTS,
            params={"received_from": "2026-02-10", "received_to": "2026-02-01"},
            headers=auth_headers("auditor"),
        )

        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["query", "received_to"]

    async def test_the_last_representable_day_is_a_valid_bound(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        paid = (await pay(client, payment_body(customer.id, "10.00"))).json()

        response = await client.get(
            PAYMENTS,
            params={"client_id": str(customer.id), "received_from": "0001-01-01", "received_to": "9999-12-31"},
            headers=auth_headers("auditor"),
        )

        assert response.status_code == 200, response.text
        assert [item["id"] for item in response.json()["items"]] == [paid["id"]]

    async def test_pages_carry_the_total(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        for n in range(3):
            await pay(client, payment_body(customer.id, "10.00", reference=f"VIR-PAGE-{n}"))

        response = await client.get(
            PAYMENTS, params={"client_id": str(customer.id), "limit": 2, "offset": 2}, headers=auth_headers("auditor")
        )

        page = response.json()
        assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 2, 1)

    async def test_one_payment_can_be_read_with_its_allocations(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="100.00", due_date=FUTURE_DUE)
        created = (await pay(client, payment_body(customer.id, "10.00"))).json()

        response = await client.get(f"{PAYMENTS}/{created['id']}", headers=auth_headers("billing"))

        assert response.status_code == 200
        assert response.json()["allocations"] == [
            {"invoice_id": str(invoice.id), "invoice_number": invoice.invoice_number, "amount": "10.00"}
        ]
        assert (await client.get(f"{PAYMENTS}/{uuid.uuid4()}", headers=auth_headers("billing"))).status_code == 404


class TestPaymentRoles:
    @pytest.mark.parametrize("role", ["operator", "billing", "auditor"])
    async def test_only_collections_and_admin_record_payments(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, due_date=FUTURE_DUE)
        customer_id, invoice_id = customer.id, invoice.id
        await session.commit()  # the refused requests roll back their own work only

        payment = await client.post(
            PAYMENTS, json=payment_body(customer_id, "1.00"), headers=auth_headers(role, **{"Idempotency-Key": "k"})
        )
        approval = await client.post(
            f"/api/v1/collections/invoices/{invoice_id}/approve-paid",
            headers=auth_headers(role, **{"Idempotency-Key": "k2"}),
        )

        assert (payment.status_code, approval.status_code) == (403, 403)
        assert (await reload(session, invoice)).paid_amount == Decimal("0.00")

    async def test_admin_records_payments(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=FUTURE_DUE)

        response = await client.post(
            PAYMENTS, json=payment_body(customer.id, "1.00"), headers=auth_headers("admin", **{"Idempotency-Key": "k"})
        )

        assert response.status_code == 201

    @pytest.mark.parametrize(("role", "status"), [("operator", 403), ("auditor", 200), ("billing", 200)])
    async def test_reading_payments_is_for_collections_billing_and_the_auditor(
        self, client: httpx.AsyncClient, role: str, status: int
    ) -> None:
        assert (await client.get(PAYMENTS, headers=auth_headers(role))).status_code == status

    async def test_without_a_token_it_is_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(PAYMENTS)).status_code == 401
