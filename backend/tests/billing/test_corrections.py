"""Changes dated back into invoiced days: a credit note in the same transaction, the next run bills what is owed.

May 2026 has 31 days and the fees are multiples of 31, so every day is worth a round amount (310.00: 10.00 a day).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service
from app.billing.models import CreditNote, CreditNoteLine, Invoice
from app.config import get_settings
from tests.fixtures.auth import auth_headers
from tests.fixtures.billing_factories import bill, create_contract, invoice_of, lines_of
from tests.fixtures.factories import create_client, create_offer

MAY_1, MAY_31 = date(2026, 5, 1), date(2026, 5, 31)
JUNE_1, JUNE_30 = date(2026, 6, 1), date(2026, 6, 30)


def money(value: str) -> Decimal:
    return Decimal(value)


@pytest.fixture
def back_dating_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """May 2026 lies further back than the default limit from today: widen it for these scenarios."""
    monkeypatch.setattr(get_settings(), "billing_correction_max_days", 730)


async def _may_billed(session: AsyncSession, *, contracts: int = 1) -> tuple[object, object, Invoice]:
    """May billed for `contracts` 310.00 mobile contracts of one client (each 310.00 + 62.00 TVA); the first
    contract is returned."""
    client = await create_client(session)
    offer = await create_offer(session, "mobile", monthly_fee=money("310.00"))
    made = [await create_contract(session, client, offer, start_date=date(2025, 6, 1)) for _ in range(contracts)]
    run = await bill(session, MAY_1, MAY_31)
    invoice = await invoice_of(session, run, client)
    assert invoice is not None
    assert invoice.total == money("372.00") * contracts
    return client, made[0], invoice


async def _terminate(
    client: httpx.AsyncClient, contract_id: object, last_day: str, *, role: str = "admin"
) -> httpx.Response:
    return await client.post(
        f"/api/v1/contracts/{contract_id}/terminate",
        json={"effective_date": last_day},
        headers=auth_headers(role),
    )


async def _gesture_of_250(client: httpx.AsyncClient, invoice_id: object, key: str) -> None:
    """An `amount` credit note of 250.00 + 50.00 TVA (a commercial gesture, on no line)."""
    gesture = await client.post(
        f"/api/v1/invoices/{invoice_id}/credit-notes",
        json={"kind": "amount", "amount": "250.00", "reason": "Geste commercial"},
        headers=auth_headers("billing", **{"Idempotency-Key": key}),
    )
    assert gesture.json()["total"] == "300.00", gesture.text


@pytest.mark.usefixtures("back_dating_allowed")
class TestBackDatedTermination:
    async def test_credits_the_days_after_the_end_and_bills_nothing_more(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer, contract, invoice = await _may_billed(session)
        customer_id, contract_id, invoice_id = customer.id, contract.id, invoice.id  # type: ignore[attr-defined]

        response = await _terminate(client, contract_id, "2026-05-20")

        assert response.status_code == 200, response.text
        [note] = await session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice_id))
        # 21-31 May (11 days): 310.00 − round(310.00 × 20/31) = 310.00 − 200.00 = 110.00; TVA 22.00
        assert (note.kind, note.subtotal, note.tax_amount, note.total) == (
            "correction",
            money("110.00"),
            money("22.00"),
            money("132.00"),
        )
        [line] = await session.scalars(select(CreditNoteLine).where(CreditNoteLine.credit_note_id == note.id))
        assert (line.period_start, line.period_end, line.days) == (date(2026, 5, 21), MAY_31, 11)
        fresh = await session.get_one(Invoice, invoice_id, populate_existing=True)
        # 372.00 − 132.00
        assert fresh.outstanding_amount == money("240.00")
        assert await service.billed_through(session, contract_id) == date(2026, 5, 20)
        june = await bill(session, JUNE_1, JUNE_30)
        assert (
            await session.scalar(
                select(Invoice).where(Invoice.billing_run_id == june.id, Invoice.client_id == customer_id)
            )
            is None
        )

    async def test_an_operator_alone_still_gets_period_already_billed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        _, contract, _ = await _may_billed(session)
        contract_id = contract.id  # type: ignore[attr-defined]

        response = await _terminate(client, contract_id, "2026-05-20", role="operator")

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "period_already_billed"


class TestBeyondTheLimit:
    async def test_a_change_dated_further_back_than_the_limit_is_409(
        self, client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "billing_correction_max_days", 10)
        _, contract, _ = await _may_billed(session)
        contract_id = contract.id  # type: ignore[attr-defined]

        response = await _terminate(client, contract_id, "2026-05-20")

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "period_already_billed"
        assert await session.scalar(select(CreditNote.id).limit(1)) is None


@pytest.mark.usefixtures("back_dating_allowed")
class TestBackDatedSuspensionAndPlanChange:
    async def test_a_suspension_credits_the_suspended_days(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        _, contract, invoice = await _may_billed(session)
        contract_id, invoice_id = contract.id, invoice.id  # type: ignore[attr-defined]

        response = await client.post(
            f"/api/v1/contracts/{contract_id}/suspend",
            json={"effective_date": "2026-05-26"},
            headers=auth_headers("admin"),
        )

        assert response.status_code == 200, response.text
        [note] = await session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice_id))
        # 26-31 May (6 days): 310.00 − round(310.00 × 25/31) = 310.00 − 250.00 = 60.00; TVA 12.00
        assert (note.subtotal, note.total) == (money("60.00"), money("72.00"))

    async def test_a_plan_change_credits_the_old_plan_and_the_next_run_bills_the_new_one(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer, contract, invoice = await _may_billed(session)
        customer_id, contract_id, invoice_id = customer.id, contract.id, invoice.id  # type: ignore[attr-defined]
        premium = await create_offer(session, "mobile", monthly_fee=money("620.00"))
        premium_id = premium.id

        response = await client.post(
            "/api/v1/contracts",
            json={
                "client_id": str(customer_id),
                "offer_id": str(premium_id),
                "contract_start_date": "2026-05-21",
                "target_contract_id": str(contract_id),
            },
            headers=auth_headers("admin", **{"Idempotency-Key": "correction-plan-1"}),
        )

        assert response.status_code in (200, 201), response.text
        [note] = await session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice_id))
        # the old plan's 21-31 May: 110.00 + 22.00
        assert (note.subtotal, note.total) == (money("110.00"), money("132.00"))
        june = await bill(session, JUNE_1, JUNE_30)
        new_invoice = await session.scalar(
            select(Invoice).where(Invoice.billing_run_id == june.id, Invoice.client_id == customer_id)
        )
        assert new_invoice is not None
        lines = await lines_of(session, new_invoice)
        assert [(line.period_start, line.period_end, line.amount) for line in lines] == [
            # catch-up: 620.00 × 11/31 = 220.00 for 21-31 May, then June in full
            (date(2026, 5, 21), MAY_31, money("220.00")),
            (JUNE_1, JUNE_30, money("620.00")),
        ]


@pytest.mark.usefixtures("back_dating_allowed")
class TestCorrectionAfterEarlierCreditNotes:
    """A correction credits what is left of each line, never a line a credit note already cancelled."""

    async def test_a_line_credited_in_full_is_not_credited_again_by_a_back_dated_termination(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        _, contract, invoice = await _may_billed(session, contracts=2)
        contract_id, invoice_id = contract.id, invoice.id  # type: ignore[attr-defined]
        [ended_line] = [line for line in await lines_of(session, invoice) if line.contract_id == contract_id]
        credited = await client.post(
            f"/api/v1/invoices/{invoice_id}/credit-notes",
            json={"kind": "lines", "line_ids": [str(ended_line.id)], "reason": "Ligne contestée"},
            headers=auth_headers("billing", **{"Idempotency-Key": "line-then-termination"}),
        )
        # 310.00 + 62.00
        assert credited.json()["total"] == "372.00", credited.text

        response = await _terminate(client, contract_id, "2026-05-20")

        assert response.status_code == 200, response.text
        notes = list(await session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice_id)))
        # Only the line's own credit note: its 310.00 were all credited already, 21-31 May included.
        assert [note.kind for note in notes] == ["lines"]
        credited_on_line = await session.scalar(
            select(func.sum(CreditNoteLine.amount)).where(CreditNoteLine.invoice_line_id == ended_line.id)
        )
        assert credited_on_line == money("310.00")
        fresh = await session.get_one(Invoice, invoice_id, populate_existing=True)
        # 744.00 − 372.00: the other line is still owed in full
        assert (fresh.credited_amount, fresh.outstanding_amount) == (money("372.00"), money("372.00"))
        assert await service.billed_through(session, contract_id) == date(2026, 5, 20)

    async def test_after_an_amount_note_the_correction_credits_at_most_what_is_left_of_the_invoice(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        _, contract, invoice = await _may_billed(session)
        contract_id, invoice_id = contract.id, invoice.id  # type: ignore[attr-defined]
        await _gesture_of_250(client, invoice_id, "amount-then-termination")

        response = await _terminate(client, contract_id, "2026-05-20")

        assert response.status_code == 200, response.text
        correction = await session.scalar(
            select(CreditNote).where(CreditNote.invoice_id == invoice_id, CreditNote.kind == "correction")
        )
        assert correction is not None
        # 21-31 May are worth 110.00, but only 310.00 − 250.00 = 60.00 is left to credit;
        # TVA round(0.20 × 310.00) − round(0.20 × 250.00) = 62.00 − 50.00 = 12.00
        assert (correction.subtotal, correction.tax_amount, correction.total) == (
            money("60.00"),
            money("12.00"),
            money("72.00"),
        )
        fresh = await session.get_one(Invoice, invoice_id, populate_existing=True)
        assert (fresh.status, fresh.credited_amount) == ("credited", money("372.00"))
        assert await service.billed_through(session, contract_id) == date(2026, 5, 20)

    async def test_a_fully_credited_invoice_does_not_block_a_back_dated_termination(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        _, contract, invoice = await _may_billed(session)
        contract_id, invoice_id = contract.id, invoice.id  # type: ignore[attr-defined]
        credited = await client.post(
            f"/api/v1/invoices/{invoice_id}/credit-notes",
            json={"kind": "invoice", "reason": "Facture contestée"},
            headers=auth_headers("billing", **{"Idempotency-Key": "invoice-then-termination"}),
        )
        assert credited.status_code == 201, credited.text

        response = await _terminate(client, contract_id, "2026-05-20")

        assert response.status_code == 200, response.text
        notes = list(await session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice_id)))
        assert [note.kind for note in notes] == ["invoice"]
        fresh = await session.get_one(Invoice, invoice_id, populate_existing=True)
        # 310.00 + 62.00, credited once
        assert (fresh.status, fresh.credited_amount) == ("credited", money("372.00"))
        assert await service.billed_through(session, contract_id) == date(2026, 5, 20)


@pytest.mark.usefixtures("back_dating_allowed")
class TestCorrectionSpanningTwoInvoices:
    async def test_each_invoice_is_credited_against_its_own_earlier_credit_notes(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer, contract, may_invoice = await _may_billed(session)
        customer_id, contract_id, may_invoice_id = customer.id, contract.id, may_invoice.id  # type: ignore[attr-defined]
        june = await bill(session, JUNE_1, JUNE_30)
        june_invoice = await invoice_of(session, june, customer)
        assert june_invoice is not None
        june_invoice_id = june_invoice.id
        # June: 310.00 + 62.00 TVA; a gesture of 250.00 leaves 60.00 creditable on it, none of May's.
        await _gesture_of_250(client, june_invoice_id, "gesture-then-two-invoice-correction")

        response = await _terminate(client, contract_id, "2026-05-20")

        assert response.status_code == 200, response.text
        corrections = {
            note.invoice_id: (note.subtotal, note.tax_amount, note.total)
            for note in await session.scalars(
                select(CreditNote).where(CreditNote.client_id == customer_id, CreditNote.kind == "correction")
            )
        }
        assert corrections == {
            # 21-31 May: 310.00 − round(310.00 × 20/31) = 110.00; TVA 22.00
            may_invoice_id: (money("110.00"), money("22.00"), money("132.00")),
            # all of June (310.00) is no longer owed, but only 310.00 − 250.00 = 60.00 is left to credit;
            # TVA round(0.20 × 310.00) − round(0.20 × 250.00) = 12.00
            june_invoice_id: (money("60.00"), money("12.00"), money("72.00")),
        }
        may_now = await session.get_one(Invoice, may_invoice_id, populate_existing=True)
        june_now = await session.get_one(Invoice, june_invoice_id, populate_existing=True)
        # May 372.00 − 132.00; June credited in full (300.00 + 72.00)
        assert (may_now.status, may_now.outstanding_amount) == ("issued", money("240.00"))
        assert (june_now.status, june_now.credited_amount) == ("credited", money("372.00"))
        assert await service.billed_through(session, contract_id) == date(2026, 5, 20)


@pytest.mark.usefixtures("back_dating_allowed")
class TestCorrectionOfAMonthBilledTwice:
    async def test_days_billed_again_after_a_resumption_are_credited_once(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer, contract, may_invoice = await _may_billed(session)
        customer_id, contract_id, may_invoice_id = customer.id, contract.id, may_invoice.id  # type: ignore[attr-defined]
        premium = await create_offer(session, "mobile", monthly_fee=money("620.00"))
        premium_id = premium.id
        # Suspended from 26 May, dated back: 26-31 May credited (60.00); resumed on 28 May.
        for action, day in (("suspend", "2026-05-26"), ("resume", "2026-05-28")):
            answer = await client.post(
                f"/api/v1/contracts/{contract_id}/{action}", json={"effective_date": day}, headers=auth_headers("admin")
            )
            assert answer.status_code == 200, answer.text
        # June bills 28-31 May again on its own line: round(310.00 × 29/31) − round(310.00 × 25/31) = 40.00.
        june = await bill(session, JUNE_1, JUNE_30)
        june_invoice = await invoice_of(session, june, customer)
        assert june_invoice is not None
        june_invoice_id = june_invoice.id
        assert [(line.period_start, line.amount) for line in await lines_of(session, june_invoice)] == [
            (date(2026, 5, 28), money("40.00")),
            (JUNE_1, money("310.00")),
        ]

        response = await client.post(
            "/api/v1/contracts",
            json={
                "client_id": str(customer_id),
                "offer_id": str(premium_id),
                "contract_start_date": "2026-05-21",
                "target_contract_id": str(contract_id),
            },
            headers=auth_headers("admin", **{"Idempotency-Key": "correction-after-resumption"}),
        )

        assert response.status_code == 201, response.text
        corrections = {
            note.invoice_id: note.subtotal
            for note in await session.scalars(
                select(CreditNote).where(
                    CreditNote.client_id == customer_id,
                    CreditNote.kind == "correction",
                    CreditNote.reason == "Changement d'offre rétroactif",
                )
            )
        }
        # May still billed on 21-25 and 28-31 May (9 days at 10.00), each day credited once: 28-31 May on the
        # June line that bills them now (40.00), 21-25 May on the May line: round(310.00 × 25/31) −
        # round(310.00 × 20/31) = 50.00. Not 90.00 on the May line: 28-31 May were credited there already.
        # June itself: 310.00 for the whole month.
        assert corrections == {may_invoice_id: money("50.00"), june_invoice_id: money("40.00") + money("310.00")}
        [may_line] = await session.scalars(
            select(CreditNoteLine)
            .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
            .where(CreditNote.invoice_id == may_invoice_id, CreditNote.reason == "Changement d'offre rétroactif")
        )
        assert (may_line.period_start, may_line.period_end, may_line.days) == (date(2026, 5, 21), date(2026, 5, 25), 5)
        # What is left billed for May on the old plan: 1-20 May, 200.00 = 310.00 − 60.00 − 50.00 + 40.00 − 40.00.
        assert await service.billed_through(session, contract_id) == date(2026, 5, 20)


@pytest.mark.usefixtures("back_dating_allowed")
class TestCancelledBeforeItsFirstDay:
    """A contract terminated with its last day the day before it starts was never in service: the invoiced
    activation fee is credited with its days, on one note (it used to stay billed, to be credited by hand)."""

    async def _billed_from_may_1(self, session: AsyncSession) -> tuple[object, Invoice]:
        customer = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("310.00"), activation_fee=money("100.00"))
        contract = await create_contract(session, customer, offer, start_date=MAY_1)
        invoice = await invoice_of(session, await bill(session, MAY_1, MAY_31), customer)
        assert invoice is not None
        # 310.00 for May + 100.00 activation = 410.00; TVA 82.00
        assert invoice.total == money("492.00")
        return contract, invoice

    async def _terminated_on(
        self, client: httpx.AsyncClient, session: AsyncSession, last_day: str
    ) -> tuple[CreditNote, object]:
        """Billed from 1 May, then terminated with `last_day`: its one correction note, and the invoice's id."""
        contract, invoice = await self._billed_from_may_1(session)
        contract_id, invoice_id = contract.id, invoice.id  # type: ignore[attr-defined]
        response = await _terminate(client, contract_id, last_day)
        assert response.status_code == 200, response.text
        [note] = await session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice_id))
        return note, invoice_id

    async def test_the_activation_fee_is_credited_with_the_days(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        note, invoice_id = await self._terminated_on(client, session, "2026-04-30")
        # 31 May days: 310.00 − round(310.00 × 0/31) = 310.00; with the 100.00 fee: 410.00 + 82.00 TVA
        assert (note.kind, note.subtotal, note.tax_amount, note.total) == (
            "correction",
            money("410.00"),
            money("82.00"),
            money("492.00"),
        )
        credited = await session.execute(
            select(CreditNoteLine.amount, CreditNoteLine.days).where(CreditNoteLine.credit_note_id == note.id)
        )
        assert sorted(credited.all()) == [(money("100.00"), None), (money("310.00"), 31)]
        fresh = await session.get_one(Invoice, invoice_id, populate_existing=True)
        assert fresh.outstanding_amount == money("0.00")

    async def test_an_end_on_its_first_day_keeps_the_fee_it_owes(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        note, _ = await self._terminated_on(client, session, "2026-05-01")
        # In service on 1 May: 2-31 May credited, 310.00 − round(310.00 × 1/31) = 300.00; the fee stays billed
        assert (note.subtotal, note.total) == (money("300.00"), money("360.00"))
