"""The invoicing rules, each proven with exact amounts (runs executed in the test's transaction)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service
from app.billing.exceptions import BillingRunNotDiscardable
from app.billing.models import BilledContractMonth, BillingRunFailure, Invoice
from app.billing.schemas import BillingRunCreate
from app.kit.dates import utc_today
from tests.fixtures.billing_factories import bill, change_plan, create_contract, invoice_of, lines_of, suspend
from tests.fixtures.factories import create_client, create_offer

JAN_1, JAN_31 = date(2026, 1, 1), date(2026, 1, 31)
FEB_1, FEB_28 = date(2026, 2, 1), date(2026, 2, 28)
LONG_AGO = date(2025, 6, 1)


def money(value: str) -> Decimal:
    return Decimal(value)


class TestRecurringProration:
    async def test_full_month_is_exactly_the_monthly_fee(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("199.00"))
        await create_contract(session, client, offer, start_date=LONG_AGO)

        run = await bill(session, JAN_1, JAN_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        [line] = await lines_of(session, invoice)
        assert (line.kind, line.active_days, line.days_in_period, line.amount) == ("recurring", 31, 31, money("199.00"))
        assert (line.period_start, line.period_end) == (JAN_1, JAN_31)
        assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (
            money("199.00"),
            money("39.80"),
            money("238.80"),
        )
        assert invoice.currency == "MAD"
        assert invoice.outstanding_amount == money("238.80")

    async def test_partial_month_is_prorated_by_active_days_half_up(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "fiber", monthly_fee=money("199.00"), activation_fee=money("50.00"))
        await create_contract(session, client, offer, start_date=date(2026, 1, 12))

        run = await bill(session, JAN_1, JAN_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        activation, recurring = await lines_of(session, invoice)
        # 199.00 × 20 / 31 = 128.387… -> 128.39
        assert (recurring.active_days, recurring.days_in_period, recurring.amount) == (20, 31, money("128.39"))
        assert (recurring.period_start, recurring.period_end) == (date(2026, 1, 12), JAN_31)
        assert (activation.kind, activation.amount) == ("activation", money("50.00"))
        # 178.39 × 0.20 = 35.678 -> 35.68
        assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (
            money("178.39"),
            money("35.68"),
            money("214.07"),
        )

    async def test_line_proration_rounds_half_up_not_half_even(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("199.50"))
        await create_contract(session, client, offer, start_date=FEB_28, activation_fee_pending=False)

        run = await bill(session, FEB_1, FEB_28)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        [line] = await lines_of(session, invoice)
        # 199.50 × 1 / 28 = 7.125 exactly: half-up gives 7.13 (half-even would give 7.12)
        assert (line.active_days, line.days_in_period, line.amount) == (1, 28, money("7.13"))

    async def test_a_period_over_two_months_gives_one_line_per_month(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("199.00"))
        await create_contract(session, client, offer, start_date=LONG_AGO)

        run = await bill(session, JAN_1, FEB_28)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        lines = await lines_of(session, invoice)
        assert [(line.period_start, line.days_in_period, line.amount) for line in lines] == [
            (JAN_1, 31, money("199.00")),
            (FEB_1, 28, money("199.00")),
        ]
        assert invoice.subtotal == money("398.00")


class TestActivationFee:
    async def test_activation_is_billed_once_in_the_first_run_containing_the_start_date(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "landline", monthly_fee=money("280.00"), activation_fee=money("100.00"))
        await create_contract(session, client, offer, start_date=date(2026, 1, 1))

        january = await bill(session, JAN_1, JAN_31)
        february = await bill(session, FEB_1, FEB_28)

        first = await invoice_of(session, january, client)
        second = await invoice_of(session, february, client)
        assert first is not None
        assert second is not None
        assert [(line.kind, line.amount) for line in await lines_of(session, first)] == [
            ("activation", money("100.00")),
            ("recurring", money("280.00")),
        ]
        assert [(line.kind, line.amount) for line in await lines_of(session, second)] == [
            ("recurring", money("280.00"))
        ]

    async def test_no_activation_when_the_start_date_is_before_the_period(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("99.00"), activation_fee=money("30.00"))
        await create_contract(session, client, offer, start_date=date(2025, 12, 20))

        run = await bill(session, JAN_1, JAN_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        assert [line.kind for line in await lines_of(session, invoice)] == ["recurring"]

    async def test_a_contract_ended_before_its_first_day_is_not_charged_an_activation_fee(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "fiber", monthly_fee=money("349.00"), activation_fee=money("300.00"))
        # cancelled before service: its last day is the day before its first
        await create_contract(
            session, client, offer, start_date=date(2026, 1, 10), end_date=date(2026, 1, 9), status="terminated"
        )

        run = await bill(session, JAN_1, JAN_31)

        assert await invoice_of(session, run, client) is None


class TestPlanChange:
    async def test_plan_change_mid_period_gives_two_prorated_lines(self, session: AsyncSession) -> None:
        client = await create_client(session)
        basic = await create_offer(session, "mobile", monthly_fee=money("199.00"))
        premium = await create_offer(session, "mobile", monthly_fee=money("299.00"))
        old = await create_contract(session, client, basic, start_date=LONG_AGO)
        await change_plan(session, old, premium, effective=date(2026, 1, 16), monthly_fee="299.00")

        run = await bill(session, JAN_1, JAN_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        lines = sorted(await lines_of(session, invoice), key=lambda line: line.period_start)
        # old plan 1-15: 199 × 15/31 = 96.290… ; new plan 16-31: 299 × 16/31 = 154.322…
        assert [
            (line.offer_id, line.period_start, line.period_end, line.active_days, line.amount) for line in lines
        ] == [
            (basic.id, JAN_1, date(2026, 1, 15), 15, money("96.29")),
            (premium.id, date(2026, 1, 16), JAN_31, 16, money("154.32")),
        ]
        assert lines[0].phone_number == lines[1].phone_number
        assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (
            money("250.61"),
            money("50.12"),
            money("300.73"),
        )


class TestSuspendedAndTerminated:
    async def test_suspended_days_are_not_billed(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("310.00"))
        contract = await create_contract(session, client, offer, start_date=LONG_AGO)
        # suspended on the 10th, resumed on the 20th (exclusive): 10 days not billed
        await suspend(session, contract, since=date(2026, 1, 10), resumed_on=date(2026, 1, 20))

        run = await bill(session, JAN_1, JAN_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        [line] = await lines_of(session, invoice)
        assert (line.active_days, line.amount) == (21, money("210.00"))

    async def test_a_contract_still_suspended_is_billed_until_the_day_before(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("310.00"))
        contract = await create_contract(session, client, offer, start_date=LONG_AGO, status="suspended")
        await suspend(session, contract, since=date(2026, 1, 25), resumed_on=None)

        run = await bill(session, JAN_1, JAN_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        [line] = await lines_of(session, invoice)
        assert (line.period_start, line.period_end, line.active_days, line.amount) == (
            JAN_1,
            date(2026, 1, 24),
            24,
            money("240.00"),
        )

    async def test_terminated_contract_is_billed_until_its_end_date(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "adsl", monthly_fee=money("310.00"))
        await create_contract(
            session, client, offer, start_date=LONG_AGO, end_date=date(2026, 1, 20), status="terminated"
        )

        run = await bill(session, JAN_1, JAN_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        [line] = await lines_of(session, invoice)
        assert (line.period_end, line.active_days, line.amount) == (date(2026, 1, 20), 20, money("200.00"))

    async def test_a_contract_ended_before_the_period_is_not_billed(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("310.00"))
        await create_contract(
            session, client, offer, start_date=LONG_AGO, end_date=date(2025, 12, 31), status="terminated"
        )

        run = await bill(session, JAN_1, JAN_31)

        assert await invoice_of(session, run, client) is None


class TestInvoiceTotals:
    async def test_one_invoice_per_client_aggregates_all_its_contracts(self, session: AsyncSession) -> None:
        client = await create_client(session)
        mobile = await create_offer(session, "mobile", monthly_fee=money("99.00"))
        fiber = await create_offer(session, "fiber", monthly_fee=money("349.00"))
        await create_contract(session, client, mobile, start_date=LONG_AGO)
        await create_contract(session, client, mobile, start_date=LONG_AGO)
        await create_contract(session, client, fiber, start_date=LONG_AGO)

        run = await bill(session, JAN_1, JAN_31)

        invoices = list(await session.scalars(select(Invoice).where(Invoice.billing_run_id == run.id)))
        assert len(invoices) == 1
        assert invoices[0].lines_count == 3
        assert invoices[0].subtotal == money("547.00")
        assert (run.invoices_count, run.contracts_count, run.lines_count) == (1, 3, 3)
        assert run.total_amount == money("656.40")

    async def test_tax_is_rounded_half_up_on_the_subtotal(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("12.45"))
        await create_contract(session, client, offer, start_date=LONG_AGO)

        run = await bill(session, JAN_1, JAN_31, tax_rate="0.10")

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        # 12.45 × 0.10 = 1.245: half-up 1.25 (half-even would give 1.24)
        assert (invoice.tax_rate, invoice.tax_amount, invoice.total) == (money("0.1000"), money("1.25"), money("13.70"))

    async def test_a_client_with_a_zero_total_gets_no_invoice(self, session: AsyncSession) -> None:
        billed = await create_client(session)
        idle = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("99.00"))
        await create_contract(session, billed, offer, start_date=LONG_AGO)
        idle_contract = await create_contract(session, idle, offer, start_date=LONG_AGO, status="suspended")
        await suspend(session, idle_contract, since=date(2025, 12, 1), resumed_on=None)

        run = await bill(session, JAN_1, JAN_31)

        assert await invoice_of(session, run, idle) is None
        assert await invoice_of(session, run, billed) is not None
        assert (run.clients_total, run.clients_processed, run.invoices_count) == (2, 2, 1)
        # nothing was recorded as billed for the idle contract
        assert await session.get(BilledContractMonth, (idle_contract.id, JAN_1)) is None

    async def test_lines_adding_up_to_zero_give_no_invoice_and_take_no_number(self, session: AsyncSession) -> None:
        billed = await create_client(session)
        idle = await create_client(session)
        cheap = await create_offer(session, "mobile", monthly_fee=money("0.10"))
        # one day of 0.10 a month: 0.10 × 1/31 = 0.003 -> a 0.00 line
        idle_contract = await create_contract(
            session, idle, cheap, start_date=JAN_31, activation_fee="0.00", activation_fee_pending=False
        )
        await create_contract(session, billed, await create_offer(session, "mobile"), start_date=LONG_AGO)

        run = await bill(session, JAN_1, JAN_31)

        assert await invoice_of(session, run, idle) is None
        assert await session.get(BilledContractMonth, (idle_contract.id, JAN_1)) is None
        invoice = await invoice_of(session, run, billed)
        assert invoice is not None
        assert invoice.invoice_number == f"FAC-{utc_today().year}-000001"
        assert await session.scalar(select(func.min(Invoice.total)).where(Invoice.billing_run_id == run.id)) > 0
        assert run.invoices_count == 1

    async def test_due_date_is_the_issue_date_plus_due_days(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        await create_contract(session, client, offer, start_date=LONG_AGO)

        run = await bill(session, JAN_1, JAN_31, due_days=30)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        assert invoice.issue_date == utc_today()
        assert invoice.due_date == invoice.issue_date + timedelta(days=30)
        assert (invoice.period_start, invoice.period_end) == (JAN_1, JAN_31)


class TestNoDoubleBilling:
    async def test_the_same_period_billed_again_bills_nothing(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("199.00"))
        await create_contract(session, client, offer, start_date=date(2026, 1, 5))

        first = await bill(session, JAN_1, JAN_31)
        second = await bill(session, JAN_1, JAN_31)

        assert first.invoices_count == 1
        assert (second.status, second.invoices_count, second.clients_processed) == ("completed", 0, 1)

    async def test_an_overlapping_run_bills_only_the_days_not_yet_billed(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("199.00"))
        contract = await create_contract(session, client, offer, start_date=LONG_AGO)

        await bill(session, JAN_1, JAN_31)
        overlapping = await bill(session, date(2026, 1, 15), date(2026, 2, 14))
        rest_of_february = await bill(session, FEB_1, FEB_28)

        middle = await invoice_of(session, overlapping, client)
        last = await invoice_of(session, rest_of_february, client)
        assert middle is not None
        assert last is not None
        # only February 1-14 is new in the overlapping run: 199 × 14/28
        assert [(line.period_start, line.period_end, line.amount) for line in await lines_of(session, middle)] == [
            (FEB_1, date(2026, 2, 14), money("99.50"))
        ]
        assert [(line.period_start, line.period_end, line.amount) for line in await lines_of(session, last)] == [
            (date(2026, 2, 15), FEB_28, money("99.50"))
        ]
        february = await session.get(BilledContractMonth, (contract.id, FEB_1))
        assert february is not None
        assert february.days_mask == 2**28 - 1


class TestLegalNumbering:
    async def test_numbers_are_sequential_per_year_across_chunks_and_runs(self, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile", monthly_fee=money("50.00"))
        clients = [await create_client(session) for _ in range(5)]
        for client in clients[:3]:
            await create_contract(session, client, offer, start_date=LONG_AGO)

        first = await bill(session, JAN_1, JAN_31, chunk_size=1)
        for client in clients[3:]:
            await create_contract(session, client, offer, start_date=LONG_AGO)
        second = await bill(session, JAN_1, JAN_31, chunk_size=2)

        year = utc_today().year
        numbers = list(
            await session.scalars(
                select(Invoice.invoice_number)
                .where(Invoice.billing_run_id.in_([first.id, second.id]))
                .order_by(Invoice.invoice_number)
            )
        )
        assert numbers == [f"FAC-{year}-{n:06d}" for n in range(1, 6)]
        assert first.chunks_total == 3

    async def test_a_parked_client_leaves_no_gap_and_does_not_fail_the_run(self, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile", monthly_fee=money("99.00"))
        good = [await create_client(session) for _ in range(3)]
        faulty = await create_client(session)
        for client in good:
            await create_contract(session, client, offer, start_date=LONG_AGO)
        # total with tax exceeds numeric(14,2): this client's invoice cannot be written
        await create_contract(session, faulty, offer, start_date=LONG_AGO, monthly_fee="999999999999.00")

        run = await bill(session, JAN_1, JAN_31)

        assert (run.status, run.invoices_count, run.clients_failed, run.clients_processed) == ("completed", 3, 1, 4)
        failure = await session.scalar(select(BillingRunFailure).where(BillingRunFailure.billing_run_id == run.id))
        assert failure is not None
        assert failure.client_id == faulty.id
        assert "numeric field overflow" in failure.reason
        assert await invoice_of(session, run, faulty) is None
        numbers = sorted(await session.scalars(select(Invoice.invoice_number).where(Invoice.billing_run_id == run.id)))
        year = utc_today().year
        assert numbers == [f"FAC-{year}-{n:06d}" for n in range(1, 4)]


class TestDryRun:
    async def test_a_dry_run_writes_unnumbered_drafts_and_bills_nothing(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("199.00"), activation_fee=money("50.00"))
        await create_contract(session, client, offer, start_date=date(2026, 1, 1))

        preview = await bill(session, JAN_1, JAN_31, dry_run=True)
        real = await bill(session, JAN_1, JAN_31)

        draft = await invoice_of(session, preview, client)
        issued = await invoice_of(session, real, client)
        assert draft is not None
        assert issued is not None
        assert (draft.status, draft.invoice_number, draft.total) == ("draft", None, money("298.80"))
        assert issued.status == "issued"
        assert issued.invoice_number is not None
        # the preview claimed nothing: the real run bills the same days and the activation fee
        assert issued.total == draft.total
        assert preview.pdfs_ready is True

    async def test_discarding_a_dry_run_discards_its_drafts_once(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        await create_contract(session, client, offer, start_date=LONG_AGO)
        preview = await bill(session, JAN_1, JAN_31, dry_run=True)

        discarded = await service.discard_billing_run(session, preview.id)

        assert discarded.discarded_at is not None
        draft = await invoice_of(session, preview, client)
        assert draft is not None
        await session.refresh(draft)
        assert draft.status == "discarded"
        with pytest.raises(BillingRunNotDiscardable):
            await service.discard_billing_run(session, preview.id)

    async def test_a_real_run_cannot_be_discarded(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        await create_contract(session, client, offer, start_date=LONG_AGO)
        run = await bill(session, JAN_1, JAN_31)

        with pytest.raises(BillingRunNotDiscardable):
            await service.discard_billing_run(session, run.id)
        assert await session.scalar(select(func.count()).where(Invoice.status == "discarded")) == 0


class TestNumberingDate:
    async def test_a_run_created_yesterday_and_numbered_today_is_dated_today(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        await create_contract(session, client, offer, start_date=LONG_AGO)
        yesterday = utc_today() - timedelta(days=1)
        run = await service.create_billing_run(
            session, BillingRunCreate(period_start=JAN_1, period_end=JAN_31, tax_rate=Decimal("0.20"), due_days=10)
        )
        run.issue_date = yesterday
        await session.flush()

        run = await service.run_billing_to_completion(session, run.id)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        assert invoice.issue_date == utc_today()
        assert invoice.due_date == utc_today() + timedelta(days=10)
