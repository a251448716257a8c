"""Database guards: an issued invoice is immutable (trigger), a contract day is billed once (unique key)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.models import Invoice
from tests.fixtures.billing_factories import bill, create_contract, invoice_of, lines_of
from tests.fixtures.factories import create_client, create_offer

JAN_1, JAN_31 = date(2026, 1, 1), date(2026, 1, 31)


async def _issued_invoice(session: AsyncSession, *, dry_run: bool = False) -> Invoice:
    client = await create_client(session)
    offer = await create_offer(session, "mobile", monthly_fee=Decimal("199.00"))
    await create_contract(session, client, offer, start_date=date(2025, 1, 1))
    run = await bill(session, JAN_1, JAN_31, dry_run=dry_run)
    invoice = await invoice_of(session, run, client)
    assert invoice is not None
    return invoice


async def _refused(session: AsyncSession, statement: str, **params: object) -> str | None:
    """Run the statement in a savepoint; return the violated constraint name (None when accepted)."""
    try:
        async with session.begin_nested():
            await session.execute(text(statement), params)
    except IntegrityError as exc:
        return getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    return None


class TestIssuedInvoiceImmutability:
    @pytest.mark.parametrize(
        "change",
        [
            "total = total + 1",
            "subtotal = subtotal + 1, total = total + 1",
            "tax_amount = tax_amount + 1, total = total + 1",
            "tax_rate = 0.1",
            "invoice_number = 'FAC-2026-999999'",
            "issue_date = issue_date + 1",
            "due_date = due_date + 1",
            "period_end = period_end - 1",
            "currency = 'EUR'",
            "status = 'draft', invoice_number = NULL",
        ],
    )
    async def test_amounts_number_and_dates_of_an_issued_invoice_cannot_change(
        self, session: AsyncSession, change: str
    ) -> None:
        invoice = await _issued_invoice(session)

        refused = await _refused(session, f"UPDATE invoices SET {change} WHERE id = :id", id=invoice.id)

        assert refused == "invoice_immutable"

    async def test_the_client_of_an_issued_invoice_cannot_change(self, session: AsyncSession) -> None:
        invoice = await _issued_invoice(session)
        other = await create_client(session)

        refused = await _refused(
            session, "UPDATE invoices SET client_id = :other WHERE id = :id", other=other.id, id=invoice.id
        )

        assert refused == "invoice_immutable"

    async def test_an_issued_invoice_cannot_be_deleted(self, session: AsyncSession) -> None:
        invoice = await _issued_invoice(session)

        assert await _refused(session, "DELETE FROM invoices WHERE id = :id", id=invoice.id) == "invoice_immutable"

    async def test_payment_state_and_status_may_still_move(self, session: AsyncSession) -> None:
        invoice = await _issued_invoice(session)

        accepted = await _refused(
            session,
            "UPDATE invoices SET paid_amount = 100.00, status = 'overdue', updated_at = now() WHERE id = :id",
            id=invoice.id,
        )

        assert accepted is None
        await session.refresh(invoice)
        assert (invoice.status, invoice.paid_amount, invoice.outstanding_amount) == (
            "overdue",
            Decimal("100.00"),
            Decimal("138.80"),
        )

    async def test_paid_amount_never_exceeds_the_total(self, session: AsyncSession) -> None:
        invoice = await _issued_invoice(session)

        refused = await _refused(
            session, "UPDATE invoices SET paid_amount = total + 0.01 WHERE id = :id", id=invoice.id
        )

        assert refused == "ck_invoices_paid_within_total"

    async def test_lines_of_an_issued_invoice_cannot_be_added_changed_or_removed(self, session: AsyncSession) -> None:
        invoice = await _issued_invoice(session)
        [line] = await lines_of(session, invoice)

        changed = await _refused(session, "UPDATE invoice_lines SET amount = 1.00 WHERE id = :id", id=line.id)
        removed = await _refused(session, "DELETE FROM invoice_lines WHERE id = :id", id=line.id)
        added = await _refused(
            session,
            "INSERT INTO invoice_lines (invoice_id, contract_id, kind, description, service_type, offer_id, "
            "offer_name, phone_number, period_start, period_end, active_days, days_in_period, unit_amount, amount) "
            "SELECT invoice_id, contract_id, kind, description, service_type, offer_id, offer_name, phone_number, "
            "period_start, period_end, active_days, days_in_period, unit_amount, amount "
            "FROM invoice_lines WHERE id = :id",
            id=line.id,
        )

        assert (changed, removed, added) == ("invoice_lines_immutable",) * 3

    async def test_a_draft_never_becomes_a_legal_invoice(self, session: AsyncSession) -> None:
        draft = await _issued_invoice(session, dry_run=True)

        refused = await _refused(
            session,
            "UPDATE invoices SET status = 'issued', invoice_number = 'FAC-2026-999999' WHERE id = :id",
            id=draft.id,
        )

        assert refused == "invoice_immutable"

    async def test_a_discarded_draft_stays_discarded(self, session: AsyncSession) -> None:
        draft = await _issued_invoice(session, dry_run=True)
        await session.execute(text("UPDATE invoices SET status = 'discarded' WHERE id = :id"), {"id": draft.id})

        refused = await _refused(session, "UPDATE invoices SET status = 'draft' WHERE id = :id", id=draft.id)

        assert refused == "invoice_immutable"

    async def test_a_draft_can_still_be_edited(self, session: AsyncSession) -> None:
        draft = await _issued_invoice(session, dry_run=True)
        [line] = await lines_of(session, draft)

        assert await _refused(session, "UPDATE invoice_lines SET amount = 1.00 WHERE id = :id", id=line.id) is None
        assert await _refused(session, "UPDATE invoices SET status = 'discarded' WHERE id = :id", id=draft.id) is None


class TestInvoiceAmountsAndPaymentState:
    async def test_an_invoice_with_a_zero_total_cannot_exist(self, session: AsyncSession) -> None:
        invoice = await _issued_invoice(session)

        refused = await _refused(
            session,
            "INSERT INTO invoices (invoice_number, billing_run_id, client_id, status, period_start, period_end, "
            "issue_date, due_date, subtotal, tax_rate, tax_amount, total, lines_count) "
            "SELECT NULL, billing_run_id, :client_id, 'draft', period_start, period_end, issue_date, "
            "due_date, 0, tax_rate, 0, 0, 1 FROM invoices WHERE id = :id",
            id=invoice.id,
            client_id=(await create_client(session)).id,
        )

        assert refused == "ck_invoices_totals"

    @pytest.mark.parametrize(
        ("change", "constraint"),
        [
            ("status = 'paid'", "ck_invoices_status_matches_payment"),
            ("paid_amount = total", "ck_invoices_status_matches_payment"),
            ("paid_amount = total, status = 'overdue'", "ck_invoices_status_matches_payment"),
            ("paid_amount = 10.00, status = 'paid'", "ck_invoices_status_matches_payment"),
            ("paid_amount = total, status = 'paid'", None),
            ("paid_amount = 10.00, status = 'overdue'", None),
        ],
    )
    async def test_the_status_always_tells_the_payment_state(
        self, session: AsyncSession, change: str, constraint: str | None
    ) -> None:
        invoice = await _issued_invoice(session)

        assert await _refused(session, f"UPDATE invoices SET {change} WHERE id = :id", id=invoice.id) == constraint

    async def test_a_draft_never_receives_money(self, session: AsyncSession) -> None:
        draft = await _issued_invoice(session, dry_run=True)

        refused = await _refused(session, "UPDATE invoices SET paid_amount = 10.00 WHERE id = :id", id=draft.id)

        assert refused == "ck_invoices_unpaid_when_draft"


class TestBilledPeriodGuard:
    async def test_a_contract_month_cannot_be_recorded_twice(self, session: AsyncSession) -> None:
        invoice = await _issued_invoice(session)
        [line] = await lines_of(session, invoice)

        refused = await _refused(
            session,
            "INSERT INTO billed_contract_months (contract_id, billed_month, days_mask, last_billing_run_id) "
            "VALUES (:contract_id, DATE '2026-01-01', 1, :run_id)",
            contract_id=line.contract_id,
            run_id=invoice.billing_run_id,
        )

        assert refused == "pk_billed_contract_months"

    async def test_an_activation_fee_cannot_be_recorded_twice(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", activation_fee=Decimal("50.00"))
        contract = await create_contract(session, client, offer, start_date=date(2026, 1, 10))
        run = await bill(session, JAN_1, JAN_31)
        invoice = await invoice_of(session, run, client)
        assert invoice is not None

        refused = await _refused(
            session,
            "INSERT INTO billed_activations (contract_id, invoice_id, billing_run_id) VALUES (:c, :i, :r)",
            c=contract.id,
            i=invoice.id,
            r=run.id,
        )

        assert refused == "pk_billed_activations"
