"""app.billing.settlement: the only functions through which collections changes an invoice's payment state."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import settlement
from app.billing.models import Invoice
from tests.fixtures.collections_factories import create_invoice, reload
from tests.fixtures.factories import create_client

DUE = date(2026, 10, 31)


class TestOpenInvoicesForClient:
    async def test_lists_issued_and_overdue_invoices_with_something_owed_oldest_due_date_first(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        later = await create_invoice(session, client, due_date=DUE + timedelta(days=30))
        oldest = await create_invoice(session, client, due_date=DUE - timedelta(days=30), status="overdue")
        middle = await create_invoice(session, client, due_date=DUE, paid_amount="20.00")
        await create_invoice(session, client, due_date=DUE - timedelta(days=60), status="paid", paid_amount="120.00")
        await create_invoice(session, client, due_date=DUE - timedelta(days=90), status="draft")
        await create_invoice(session, await create_client(session), due_date=DUE - timedelta(days=90))

        invoices = await settlement.open_invoices_for_client(session, client.id)

        assert [invoice.id for invoice in invoices] == [oldest.id, middle.id, later.id]


class TestApplyPaymentToInvoice:
    async def test_partial_payment_before_the_due_date_keeps_the_invoice_issued(self, session: AsyncSession) -> None:
        invoice = await create_invoice(session, await create_client(session), total="300.00", due_date=DUE)

        updated = await settlement.apply_payment_to_invoice(session, invoice, Decimal("100.00"), as_of=DUE)

        assert (updated.status, updated.paid_amount, updated.outstanding_amount) == (
            "issued",
            Decimal("100.00"),
            Decimal("200.00"),
        )

    async def test_partial_payment_after_the_due_date_makes_the_invoice_overdue(self, session: AsyncSession) -> None:
        invoice = await create_invoice(session, await create_client(session), total="300.00", due_date=DUE)

        updated = await settlement.apply_payment_to_invoice(
            session, invoice, Decimal("100.00"), as_of=DUE + timedelta(days=1)
        )

        assert updated.status == "overdue"

    async def test_an_overdue_invoice_stays_overdue_when_partly_paid_for_an_earlier_day(
        self, session: AsyncSession
    ) -> None:
        invoice = await create_invoice(session, await create_client(session), due_date=DUE, status="overdue")

        updated = await settlement.apply_payment_to_invoice(
            session, invoice, Decimal("10.00"), as_of=DUE - timedelta(days=10)
        )

        assert updated.status == "overdue"

    async def test_paying_the_whole_outstanding_amount_makes_the_invoice_paid(self, session: AsyncSession) -> None:
        invoice = await create_invoice(
            session, await create_client(session), total="300.00", paid_amount="100.00", due_date=DUE, status="overdue"
        )

        updated = await settlement.apply_payment_to_invoice(session, invoice, Decimal("200.00"), as_of=DUE)

        assert (updated.status, updated.outstanding_amount) == ("paid", Decimal("0.00"))
        assert (await reload(session, invoice)).status == "paid"

    async def test_more_than_the_outstanding_amount_is_refused(self, session: AsyncSession) -> None:
        invoice = await create_invoice(session, await create_client(session), total="100.00", due_date=DUE)

        with pytest.raises(settlement.InvoiceOverpaid):
            await settlement.apply_payment_to_invoice(session, invoice, Decimal("100.01"), as_of=DUE)

        assert (await reload(session, invoice)).paid_amount == Decimal("0.00")

    async def test_a_paid_or_draft_invoice_cannot_receive_money(self, session: AsyncSession) -> None:
        client = await create_client(session)
        paid = await create_invoice(session, client, due_date=DUE, status="paid", paid_amount="120.00")
        draft = await create_invoice(session, client, due_date=DUE, status="draft")

        for invoice in (paid, draft):
            with pytest.raises(settlement.InvoiceNotPayable):
                await settlement.apply_payment_to_invoice(session, invoice, Decimal("1.00"), as_of=DUE)

    async def test_the_database_itself_refuses_paid_amount_above_the_total(self, session: AsyncSession) -> None:
        invoice = await create_invoice(session, await create_client(session), total="100.00", due_date=DUE)

        with pytest.raises(IntegrityError, match="ck_invoices_paid_within_total"):
            async with session.begin_nested():
                await session.execute(
                    update(Invoice).where(Invoice.id == invoice.id).values(paid_amount=Decimal("100.01"))
                )


class TestRefreshInvoiceStatuses:
    async def test_issued_invoices_past_their_due_date_become_overdue_and_are_returned(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        past_due = await create_invoice(session, client, due_date=DUE)
        due_today = await create_invoice(session, client, due_date=DUE + timedelta(days=1))
        settled = await create_invoice(session, client, due_date=DUE, status="paid", paid_amount="120.00")
        draft = await create_invoice(session, client, due_date=DUE, status="draft")

        moved = await settlement.refresh_invoice_statuses(session, DUE + timedelta(days=1))

        assert past_due.id in {invoice.id for invoice in moved}
        assert {invoice.id for invoice in moved}.isdisjoint({due_today.id, settled.id, draft.id})
        assert [(await reload(session, i)).status for i in (past_due, due_today, settled, draft)] == [
            "overdue",
            "issued",
            "paid",
            "draft",
        ]

    async def test_running_it_again_for_the_same_day_moves_nothing(self, session: AsyncSession) -> None:
        await create_invoice(session, await create_client(session), due_date=DUE)
        await settlement.refresh_invoice_statuses(session, DUE + timedelta(days=5))

        assert await settlement.refresh_invoice_statuses(session, DUE + timedelta(days=5)) == []
