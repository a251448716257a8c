"""Credit notes through the API, end to end, with amounts worked out by hand; and racing credit notes."""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.models import CreditNote, Invoice
from app.db import database
from tests.fixtures.auth import auth_headers
from tests.fixtures.billing_factories import bill, create_contract, invoice_of, lines_of
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client, create_offer

MAY_1, MAY_31 = date(2026, 5, 1), date(2026, 5, 31)
TODAY = datetime.now(UTC).date()


def money(value: str) -> Decimal:
    return Decimal(value)


async def _credit(http: httpx.AsyncClient, invoice_id: object, body: dict[str, Any], key: str) -> httpx.Response:
    return await http.post(
        f"/api/v1/invoices/{invoice_id}/credit-notes",
        json=body,
        headers=auth_headers("billing", **{"Idempotency-Key": key}),
    )


async def _billed_invoice(session: AsyncSession) -> Invoice:
    """May billed for two mobile contracts: 199.00 and 100.00 (subtotal 299.00, TVA 59.80, total 358.80)."""
    client = await create_client(session)
    first = await create_offer(session, "mobile", monthly_fee=money("199.00"))
    second = await create_offer(session, "mobile", monthly_fee=money("100.00"))
    await create_contract(session, client, first, start_date=date(2025, 6, 1))
    await create_contract(session, client, second, start_date=date(2025, 6, 1))
    run = await bill(session, MAY_1, MAY_31)
    invoice = await invoice_of(session, run, client)
    assert invoice is not None
    assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (money("299.00"), money("59.80"), money("358.80"))
    return invoice


class TestCreditNotesThroughTheApi:
    async def test_a_line_then_the_rest_of_the_invoice(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        invoice = await _billed_invoice(session)
        lines = await lines_of(session, invoice)
        cheap = next(line for line in lines if line.amount == money("100.00"))
        # A refused request rolls the shared test session back: keep the ids as plain values.
        invoice_id = invoice.id

        first = await _credit(
            client, invoice.id, {"kind": "lines", "line_ids": [str(cheap.id)], "reason": "Ligne non activée"}, "cn-1"
        )

        assert first.status_code == 201, first.text
        note = first.json()
        assert re.fullmatch(r"AV-\d{4}-\d{6}", note["credit_note_number"])
        # 100.00 credited: tax round(0.20 × 100.00) − round(0.20 × 0) = 20.00; total 120.00, all on the invoice.
        assert (note["subtotal"], note["tax_amount"], note["total"]) == ("100.00", "20.00", "120.00")
        assert (note["applied_to_invoice"], note["to_credit_balance"]) == ("120.00", "0.00")
        assert note["invoice_number"] == invoice.invoice_number
        assert [(line["invoice_line_id"], line["amount"]) for line in note["lines"]] == [(str(cheap.id), "100.00")]

        pdf = await client.get(f"/api/v1/credit-notes/{note['id']}/pdf", headers=auth_headers("collections"))
        assert pdf.status_code == 200
        assert pdf.headers["X-Content-SHA256"] == note["pdf_sha256"]
        content = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "AVOIR" in content
        assert note["credit_note_number"] in content
        assert f"Facture corrigée : {invoice.invoice_number}" in content
        assert "Ligne non activée" in content
        assert "-120,00" in content or "-120.00" in content

        detail = (await client.get(f"/api/v1/invoices/{invoice.id}", headers=auth_headers("billing"))).json()
        # 358.80 − 120.00
        assert (detail["status"], detail["outstanding_amount"], detail["credited_amount"]) == (
            "issued",
            "238.80",
            "120.00",
        )
        assert [cn["credit_note_number"] for cn in detail["credit_notes"]] == [note["credit_note_number"]]

        rest = await _credit(client, invoice.id, {"kind": "invoice", "reason": "Résiliation commerciale"}, "cn-2")

        assert rest.status_code == 201, rest.text
        body = rest.json()
        # 199.00 left: tax round(0.20 × 299.00) − round(0.20 × 100.00) = 59.80 − 20.00 = 39.80; total 238.80
        assert (body["subtotal"], body["tax_amount"], body["total"]) == ("199.00", "39.80", "238.80")
        assert int(body["credit_note_number"][-6:]) == int(note["credit_note_number"][-6:]) + 1
        detail = (await client.get(f"/api/v1/invoices/{invoice.id}", headers=auth_headers("billing"))).json()
        assert (detail["status"], detail["outstanding_amount"], detail["credited_amount"]) == (
            "credited",
            "0.00",
            "358.80",
        )
        again = await _credit(client, invoice_id, {"kind": "amount", "amount": "1.00", "reason": "Encore"}, "cn-3")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "invoice_not_creditable"

        listed = await client.get(
            "/api/v1/credit-notes", params={"invoice_id": str(invoice_id)}, headers=auth_headers("auditor")
        )
        assert listed.json()["total"] == 2

    async def test_more_than_the_creditable_is_refused_and_the_key_is_required(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoice_id = (await _billed_invoice(session)).id

        too_much = await _credit(client, invoice_id, {"kind": "amount", "amount": "299.01", "reason": "Geste"}, "cx-1")
        no_key = await client.post(
            f"/api/v1/invoices/{invoice_id}/credit-notes",
            json={"kind": "amount", "amount": "1.00", "reason": "Geste"},
            headers=auth_headers("billing"),
        )

        assert too_much.status_code == 422
        assert too_much.json()["error"]["code"] == "credit_exceeds_creditable"
        assert too_much.json()["error"]["details"][0]["loc"] == ["body", "amount"]
        assert no_key.status_code == 400
        assert await session.scalar(select(func.count()).where(CreditNote.invoice_id == invoice_id)) == 0

    async def test_a_paid_invoice_credit_goes_to_the_balance_then_to_the_next_invoice_and_a_refund(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        paid = await create_invoice(session, customer, total="120.00", due_date=TODAY + timedelta(days=5))
        open_one = await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=20))
        customer_id, paid_id, open_id = customer.id, paid.id, open_one.id
        paying = await client.post(
            "/api/v1/collections/payments",
            json={
                "client_id": str(customer_id),
                "amount": "120.00",
                "method": "cash",
                "allocations": [{"invoice_id": str(paid_id), "amount": "120.00"}],
            },
            headers=auth_headers("collections", **{"Idempotency-Key": "cn-pay-1"}),
        )
        assert paying.status_code == 201, paying.text

        # Invoice of 100.00 + 20.00 TVA: crediting 50.00 excl. tax is 50.00 + 10.00 = 60.00, all to the balance.
        note = await _credit(client, paid_id, {"kind": "amount", "amount": "50.00", "reason": "Geste"}, "cn-paid-1")
        assert note.status_code == 201, note.text
        assert (note.json()["applied_to_invoice"], note.json()["to_credit_balance"]) == ("0.00", "60.00")
        balance = await client.get(
            f"/api/v1/collections/clients/{customer_id}/credit-balance", headers=auth_headers("collections")
        )
        assert balance.json()["balance"] == "60.00"

        # The next payment: the 60.00 balance settles the open 100.00 invoice first, then 40.00 of money.
        paying = await client.post(
            "/api/v1/collections/payments",
            json={"client_id": str(customer_id), "amount": "40.00", "method": "cash"},
            headers=auth_headers("collections", **{"Idempotency-Key": "cn-pay-2"}),
        )
        assert paying.status_code == 201, paying.text
        assert [(i["invoice_id"], i["status"], i["paid_amount"]) for i in paying.json()["invoices"]] == [
            (str(open_id), "paid", "40.00")
        ]

        # A second credit on the paid invoice (the rest: 50.00 + 10.00) goes to the balance and is refunded.
        rest = await _credit(client, paid_id, {"kind": "invoice", "reason": "Résiliation"}, "cn-paid-2")
        assert rest.status_code == 201, rest.text
        assert rest.json()["to_credit_balance"] == "60.00"
        refund = await client.post(
            "/api/v1/collections/refunds",
            json={"client_id": str(customer_id), "amount": "60.00", "method": "bank_transfer", "reference": "RMB-1"},
            headers=auth_headers("collections", **{"Idempotency-Key": "cn-refund-1"}),
        )
        too_much = await client.post(
            "/api/v1/collections/refunds",
            json={"client_id": str(customer_id), "amount": "0.01", "method": "bank_transfer"},
            headers=auth_headers("collections", **{"Idempotency-Key": "cn-refund-2"}),
        )
        assert refund.status_code == 201, refund.text
        assert refund.json()["source"] == "refund"
        assert too_much.status_code == 422
        assert too_much.json()["error"]["code"] == "refund_exceeds_credit_balance"
        paid_now = await session.get_one(Invoice, paid_id, populate_existing=True)
        open_now = await session.get_one(Invoice, open_id, populate_existing=True)
        assert (paid_now.status, open_now.status, open_now.credit_applied) == ("credited", "paid", money("60.00"))

    async def test_an_issued_credit_note_cannot_change(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        invoice = await _billed_invoice(session)
        created = await _credit(client, invoice.id, {"kind": "amount", "amount": "10.00", "reason": "Geste"}, "cn-i")
        note_id = created.json()["id"]

        for statement in (
            "UPDATE credit_notes SET reason = 'autre' WHERE id = :id",
            "DELETE FROM credit_note_lines WHERE credit_note_id = :id",
            "UPDATE credit_note_documents SET sha256 = repeat('0', 64) WHERE credit_note_id = :id",
        ):
            with pytest.raises(IntegrityError, match="credit note"):
                async with session.begin_nested():
                    await session.execute(text(statement), {"id": note_id})

    async def test_the_next_run_uses_the_balance_first(self, session: AsyncSession, client: httpx.AsyncClient) -> None:
        customer = await create_client(session)
        paid = await create_invoice(session, customer, total="120.00", due_date=TODAY + timedelta(days=5))
        await session.execute(
            text("UPDATE invoices SET paid_amount = total, status = 'paid' WHERE id = :id"), {"id": paid.id}
        )
        created = await _credit(client, paid.id, {"kind": "amount", "amount": "25.00", "reason": "Geste"}, "cn-run")
        assert created.json()["to_credit_balance"] == "30.00"  # 25.00 + 5.00 TVA
        offer = await create_offer(session, "mobile", monthly_fee=money("100.00"))
        await create_contract(session, customer, offer, start_date=date(2025, 6, 1))

        run = await bill(session, MAY_1, MAY_31, render_pdfs=True)

        invoice = await invoice_of(session, run, customer)
        assert invoice is not None
        pdf = await client.get(f"/api/v1/invoices/{invoice.id}/pdf", headers=auth_headers("billing"))
        printed = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Avoir déduit (crédit client)" in printed
        assert "-30.00 MAD" in printed
        assert "90.00 MAD" in printed
        # 120.00 TTC less the 30.00 balance
        assert (invoice.total, invoice.credit_applied, invoice.outstanding_amount) == (
            money("120.00"),
            money("30.00"),
            money("90.00"),
        )


async def _creditable(http: httpx.AsyncClient, invoice_id: object) -> tuple[str, str]:
    detail = (await http.get(f"/api/v1/invoices/{invoice_id}", headers=auth_headers("collections"))).json()
    return detail["creditable_subtotal"], detail["creditable_total"]


class TestCreditableOnTheInvoice:
    """The invoice detail states what is still creditable, the figure the credit note service checks."""

    async def test_a_fresh_invoice_is_creditable_in_full(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoice_id = (await _billed_invoice(session)).id

        # 299.00 excl. tax, 358.80 incl. tax: the invoice's own subtotal and total
        assert await _creditable(client, invoice_id) == ("299.00", "358.80")

    async def test_after_a_partial_note_the_rest_is_stated_and_is_exactly_what_the_service_accepts(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoice_id = (await _billed_invoice(session)).id
        small = await _credit(client, invoice_id, {"kind": "amount", "amount": "0.03", "reason": "Arrondi"}, "cr-1")
        # 0.03 + round(0.20 × 0.03) = 0.03 + 0.01
        assert small.json()["total"] == "0.04", small.text

        # 299.00 − 0.03 = 298.97; its tax round(0.20 × 299.00) − round(0.20 × 0.03) = 59.80 − 0.01 = 59.79;
        # 298.97 + 59.79 = 358.76 (= 358.80 − 0.04)
        assert await _creditable(client, invoice_id) == ("298.97", "358.76")

        one_cent_more = await _credit(
            client, invoice_id, {"kind": "amount", "amount": "298.98", "reason": "Geste"}, "cr-2"
        )
        assert one_cent_more.status_code == 422
        assert "(298.97 excl. tax)" in one_cent_more.json()["error"]["details"][0]["msg"]
        rest = await _credit(client, invoice_id, {"kind": "amount", "amount": "298.97", "reason": "Geste"}, "cr-3")
        assert rest.status_code == 201, rest.text
        assert rest.json()["total"] == "358.76"

    async def test_after_a_line_note_then_the_rest_nothing_is_left(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoice = await _billed_invoice(session)
        cheap = next(line for line in await lines_of(session, invoice) if line.amount == money("100.00"))
        invoice_id = invoice.id
        await _credit(client, invoice_id, {"kind": "lines", "line_ids": [str(cheap.id)], "reason": "Ligne"}, "cr-4")

        # 299.00 − 100.00 = 199.00; tax 59.80 − 20.00 = 39.80; 238.80
        assert await _creditable(client, invoice_id) == ("199.00", "238.80")

        await _credit(client, invoice_id, {"kind": "invoice", "reason": "Résiliation"}, "cr-5")

        # Fully credited (status credited): nothing left excl. or incl. tax
        assert await _creditable(client, invoice_id) == ("0.00", "0.00")


class TestCreditNotesInTheInvoiceTrail:
    async def test_the_audit_log_gives_an_invoice_the_records_of_its_own_credit_notes(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoice_id = (await _billed_invoice(session)).id
        other_id = (await _billed_invoice(session)).id
        mine = await _credit(client, invoice_id, {"kind": "amount", "amount": "10.00", "reason": "Geste"}, "ct-1")
        await _credit(client, other_id, {"kind": "amount", "amount": "20.00", "reason": "Geste"}, "ct-2")

        # A credit note is audited as its own entity: the invoice's own records do not hold it.
        own = await client.get(
            "/api/v1/audit-events",
            params={"entity_type": "invoice", "entity_id": str(invoice_id)},
            headers=auth_headers("auditor"),
        )
        assert [item["action"] for item in own.json()["items"]] == []
        trail = await client.get(
            "/api/v1/audit-events", params={"credited_invoice_id": str(invoice_id)}, headers=auth_headers("auditor")
        )

        assert trail.status_code == 200, trail.text
        [record] = trail.json()["items"]
        assert (record["action"], record["entity_type"], record["entity_id"]) == (
            "credit_note.issued",
            "credit_note",
            mine.json()["id"],
        )
        # 10.00 + 2.00 TVA
        assert (record["after"]["credit_note_number"], record["after"]["total"]) == (
            mine.json()["credit_note_number"],
            "12.00",
        )


class TestCreditSettlesCollections:
    async def test_a_case_whose_invoice_is_credited_resolves_and_the_invoice_is_never_overdue_again(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        from app.collections import cases
        from app.collections.models import CollectionCase

        customer = await create_client(session)
        overdue = await create_invoice(session, customer, total="120.00", due_date=TODAY - timedelta(days=20))
        await cases.evaluate_collections(session, TODAY)
        customer_id, overdue_id = customer.id, overdue.id
        [case] = await session.scalars(select(CollectionCase).where(CollectionCase.client_id == customer_id))
        assert (case.status, case.total_overdue) == ("open", money("120.00"))

        created = await _credit(client, overdue_id, {"kind": "invoice", "reason": "Facturé à tort"}, "cn-case")

        assert created.status_code == 201, created.text
        # 100.00 + 20.00 TVA: the whole outstanding, nothing to the balance
        assert (created.json()["total"], created.json()["to_credit_balance"]) == ("120.00", "0.00")
        case = await session.get_one(CollectionCase, case.id, populate_existing=True)
        invoice = await session.get_one(Invoice, overdue_id, populate_existing=True)
        assert (case.status, invoice.status, invoice.outstanding_amount) == ("resolved", "credited", money("0.00"))
        await cases.evaluate_collections(session, TODAY)
        assert (await session.get_one(Invoice, overdue_id, populate_existing=True)).status == "credited"


@pytest.mark.concurrency
class TestParallelCreditNotes:
    async def test_racing_credit_notes_never_credit_more_than_the_invoice(self, live_client: httpx.AsyncClient) -> None:
        async with database.sessionmaker() as session:
            customer = await create_client(session)
            # 120.00 TTC = 100.00 + 20.00 TVA
            invoice = await create_invoice(session, customer, total="120.00", due_date=TODAY + timedelta(days=10))
            await session.commit()
            invoice_id = invoice.id

        responses = await asyncio.gather(
            *[
                live_client.post(
                    f"/api/v1/invoices/{invoice_id}/credit-notes",
                    json={"kind": "amount", "amount": "30.00", "reason": "Geste commercial"},
                    headers=auth_headers("billing", **{"Idempotency-Key": f"race-{uuid.uuid4()}"}),
                )
                for _ in range(6)
            ]
        )

        codes = sorted(response.status_code for response in responses)
        # 3 × 30.00 = 90.00 fits in 100.00; a 4th would make 120.00.
        assert codes == [201, 201, 201, 422, 422, 422]
        assert {r.json()["error"]["code"] for r in responses if r.status_code == 422} == {"credit_exceeds_creditable"}
        async with database.sessionmaker() as session:
            credited = await session.scalar(
                select(func.sum(CreditNote.subtotal)).where(CreditNote.invoice_id == invoice_id)
            )
            fresh = await session.get_one(Invoice, invoice_id)
            # 90.00 + tax 18.00
            assert (credited, fresh.credited_amount, fresh.outstanding_amount) == (
                money("90.00"),
                money("108.00"),
                money("12.00"),
            )
            numbers = sorted(
                await session.scalars(select(CreditNote.credit_note_number).where(CreditNote.invoice_id == invoice_id))
            )
            sequence = [int(number[-6:]) for number in numbers]
            assert sequence == list(range(sequence[0], sequence[0] + 3))
