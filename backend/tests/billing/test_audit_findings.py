"""The finance controller's audit findings on billing (issue 14), each with amounts worked out by hand."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service
from app.billing.models import BilledContractMonth, Invoice
from app.billing.schemas import BillingRunCreate
from app.catalog.models import Offer
from app.contracts import service as contracts_service
from app.contracts.models import Contract
from app.errors import BusinessValidationError
from app.kit.dates import utc_today
from tests.fixtures.auth import auth_headers
from tests.fixtures.billing_factories import bill, create_contract, invoice_of, lines_of, suspend
from tests.fixtures.contracts_factories import provision_request
from tests.fixtures.factories import create_client, create_offer

MAY_1, MAY_31 = date(2026, 5, 1), date(2026, 5, 31)
LONG_AGO = date(2025, 6, 1)


def money(value: str) -> Decimal:
    return Decimal(value)


class TestCancelledTechnologyChangeLeavesNoTrace:
    """Item 1: adsl from 10 May, fibre from 20 May, back to adsl from 20 May before the fibre started."""

    async def test_may_bills_one_activation_fee(self, session: AsyncSession) -> None:
        client = await create_client(session)
        adsl = await create_offer(session, "adsl", monthly_fee=money("190.00"), activation_fee=money("80.00"))
        fibre = await create_offer(session, "fiber", monthly_fee=money("220.00"), activation_fee=money("70.00"))
        first = await contracts_service.provision_contract(
            session, provision_request(client, adsl, start=date(2026, 5, 10), home_landline_local_number="0537221100")
        )
        change = await contracts_service.provision_contract(
            session, provision_request(client, fibre, start=date(2026, 5, 20), target_contract_id=first.contract.id)
        )
        back = await contracts_service.provision_contract(
            session, provision_request(client, adsl, start=date(2026, 5, 20), target_contract_id=change.contract.id)
        )

        assert (back.contract.activation_fee, back.contract.activation_fee_pending) == (money("0.00"), False)
        run = await bill(session, MAY_1, MAY_31)
        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        lines = await lines_of(session, invoice)
        assert [(line.contract_id, line.kind, line.amount) for line in lines] == [
            (first.contract.id, "activation", money("80.00")),
            # 190.00 × 10/31 = 61.290… -> 61.29 (10-19 May)
            (first.contract.id, "recurring", money("61.29")),
            # 190.00 × 12/31 = 73.548… -> 73.55 (20-31 May)
            (back.contract.id, "recurring", money("73.55")),
        ]
        # 80.00 + 61.29 + 73.55
        assert invoice.subtotal == money("214.84")


class TestSeveralChangesOnOneStartDate:
    """Changes replaced on their own start date, one after the other: each is judged against the contract that
    really ran before them, and a fee still owed by a contract that never started is carried, never dropped."""

    async def test_back_to_the_first_offer_on_the_lines_first_day_keeps_its_activation_fee(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        adsl = await create_offer(session, "adsl", monthly_fee=money("190.00"), activation_fee=money("80.00"))
        fibre = await create_offer(session, "fiber", monthly_fee=money("220.00"), activation_fee=money("70.00"))
        first = await contracts_service.provision_contract(
            session, provision_request(client, adsl, start=date(2026, 5, 10), home_landline_local_number="0537221101")
        )
        change = await contracts_service.provision_contract(
            session, provision_request(client, fibre, start=date(2026, 5, 10), target_contract_id=first.contract.id)
        )
        # fibre's own 70.00 + the line's 80.00 carried from the contract that ended before its first day
        assert change.contract.activation_fee == money("150.00")

        back = await contracts_service.provision_contract(
            session, provision_request(client, adsl, start=date(2026, 5, 10), target_contract_id=change.contract.id)
        )

        # The fibre change never started and leaves no trace; the line's installation (80.00) is still owed.
        assert (back.contract.activation_fee, back.contract.activation_fee_pending) == (money("80.00"), True)
        run = await bill(session, MAY_1, MAY_31)
        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        assert [(line.contract_id, line.kind, line.amount) for line in await lines_of(session, invoice)] == [
            (back.contract.id, "activation", money("80.00")),
            # 190.00 × 22/31 = 134.838… -> 134.84 (10-31 May)
            (back.contract.id, "recurring", money("134.84")),
        ]

    async def test_a_third_change_on_the_same_day_is_judged_against_the_contract_that_ran(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        adsl = await create_offer(session, "adsl", monthly_fee=money("190.00"), activation_fee=money("80.00"))
        fibre = await create_offer(session, "fiber", monthly_fee=money("220.00"), activation_fee=money("70.00"))
        first = await contracts_service.provision_contract(
            session, provision_request(client, adsl, start=date(2026, 5, 10), home_landline_local_number="0537221102")
        )
        to_fibre = await contracts_service.provision_contract(
            session, provision_request(client, fibre, start=date(2026, 5, 20), target_contract_id=first.contract.id)
        )
        back = await contracts_service.provision_contract(
            session, provision_request(client, adsl, start=date(2026, 5, 20), target_contract_id=to_fibre.contract.id)
        )

        fibre_again = await contracts_service.provision_contract(
            session, provision_request(client, fibre, start=date(2026, 5, 20), target_contract_id=back.contract.id)
        )

        # adsl ran until 19 May: going to fibre from 20 May is a technology change (70.00), whatever was undone.
        assert (fibre_again.contract.activation_fee, fibre_again.contract.activation_fee_pending) == (
            money("70.00"),
            True,
        )
        run = await bill(session, MAY_1, MAY_31)
        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        assert sorted((line.kind, line.amount) for line in await lines_of(session, invoice)) == [
            ("activation", money("70.00")),
            ("activation", money("80.00")),
            # 190.00 × 10/31 = 61.290… -> 61.29 (10-19 May)
            ("recurring", money("61.29")),
            # 220.00 × 12/31 = 85.161… -> 85.16 (20-31 May)
            ("recurring", money("85.16")),
        ]
        # 80.00 + 61.29 + 70.00 + 85.16
        assert invoice.subtotal == money("296.45")


class TestBillingAhead:
    """Item 2: periods far ahead are refused; a contract is billed in contiguous periods."""

    async def test_a_period_two_years_ahead_is_refused(self, session: AsyncSession) -> None:
        start = utc_today().replace(day=1) + timedelta(days=730)
        with pytest.raises(BusinessValidationError) as caught:
            await service.create_billing_run(
                session, BillingRunCreate(period_start=start, period_end=start + timedelta(days=27))
            )
        assert caught.value.code == "period_too_far_ahead"
        assert caught.value.details[0]["loc"] == ["body", "period_start"]

    async def test_next_month_is_the_latest_start_by_default(self) -> None:
        assert service.latest_allowed_period_start(date(2026, 12, 1), 1) == date(2027, 1, 1)
        assert service.latest_allowed_period_start(date(2026, 5, 31), 1) == date(2026, 6, 1)

    async def test_a_skipped_month_is_billed_before_the_next_one(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("100.00"))
        contract = await create_contract(session, client, offer, start_date=LONG_AGO)
        await bill(session, date(2026, 1, 1), date(2026, 1, 31))

        march = await bill(session, date(2026, 3, 1), date(2026, 3, 31))

        invoice = await invoice_of(session, march, client)
        assert invoice is not None
        assert [(line.period_start, line.period_end, line.amount) for line in await lines_of(session, invoice)] == [
            (date(2026, 2, 1), date(2026, 2, 28), money("100.00")),
            (date(2026, 3, 1), date(2026, 3, 31), money("100.00")),
        ]
        # The header says what is billed: February and March.
        assert (invoice.period_start, invoice.period_end) == (date(2026, 2, 1), date(2026, 3, 31))
        assert await service.billed_through(session, contract.id) == date(2026, 3, 31)


class TestActivationFeePending:
    async def test_turns_false_when_the_fee_is_invoiced(self, session: AsyncSession) -> None:
        """Item 5."""
        client = await create_client(session)
        offer = await create_offer(session, "fiber", monthly_fee=money("199.00"), activation_fee=money("50.00"))
        contract = await create_contract(session, client, offer, start_date=MAY_1)

        await bill(session, MAY_1, date(2026, 5, 15), dry_run=True)
        assert (await session.get(Contract, contract.id, populate_existing=True)).activation_fee_pending is True
        await bill(session, MAY_1, MAY_31)

        assert (await session.get(Contract, contract.id, populate_existing=True)).activation_fee_pending is False


class TestCumulativeProration:
    """Item 6: the pieces of a contract-month add up to the monthly fee."""

    async def test_may_billed_in_three_runs_adds_up_to_the_fee(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("100.00"))
        await create_contract(session, client, offer, start_date=LONG_AGO)

        amounts = []
        for first, last in ((1, 1), (2, 2), (3, 31)):
            run = await bill(session, date(2026, 5, first), date(2026, 5, last))
            invoice = await invoice_of(session, run, client)
            assert invoice is not None
            [line] = await lines_of(session, invoice)
            amounts.append(line.amount)

        # round(100 × 1/31) = 3.23; round(100 × 2/31) − 3.23 = 6.45 − 3.23 = 3.22; 100.00 − 6.45 = 93.55
        assert amounts == [money("3.23"), money("3.22"), money("93.55")]
        assert sum(amounts) == money("100.00")


class TestNoZeroLines:
    async def test_a_line_rounding_to_zero_is_not_printed_and_its_days_stay_unbilled(
        self, session: AsyncSession
    ) -> None:
        """Item 7: on 1 May, 0.10 × 1/31 = 0.003 -> 0.00: no line beside the 100.00 plan's, the day stays unbilled."""
        client = await create_client(session)
        plan = await create_offer(session, "mobile", monthly_fee=money("100.00"))
        tiny = await create_offer(session, "mobile", monthly_fee=money("0.10"))
        main = await create_contract(session, client, plan, start_date=LONG_AGO)
        option = await create_contract(session, client, tiny, start_date=LONG_AGO)

        first = await bill(session, MAY_1, MAY_1)

        invoice = await invoice_of(session, first, client)
        assert invoice is not None
        # 100.00 × 1/31 = 3.225… -> 3.23, the only line
        assert [(line.contract_id, line.amount) for line in await lines_of(session, invoice)] == [
            (main.id, money("3.23"))
        ]
        assert await session.get(BilledContractMonth, (option.id, MAY_1)) is None
        rest = await bill(session, MAY_1, MAY_31)
        invoice = await invoice_of(session, rest, client)
        assert invoice is not None
        [option_line] = [line for line in await lines_of(session, invoice) if line.contract_id == option.id]
        # the whole month with the day left unbilled: 0.10 × 31/31
        assert (option_line.period_start, option_line.active_days, option_line.amount) == (MAY_1, 31, money("0.10"))


class TestPdfShowsWhatIsBilled:
    async def test_suspended_days_and_the_billed_span_are_printed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        """Item 9: a contract started 10 May, suspended 15-19 May, billed in a May run."""
        customer = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("310.00"))
        contract = await create_contract(session, customer, offer, start_date=date(2026, 5, 10))
        await suspend(session, contract, since=date(2026, 5, 15), resumed_on=date(2026, 5, 20))

        run = await bill(session, MAY_1, MAY_31, render_pdfs=True)

        invoice = await invoice_of(session, run, customer)
        assert invoice is not None
        [_, line] = await lines_of(session, invoice)
        # 10-31 May is 22 days, 5 of them suspended: 17 billed; 310.00 × 17/31 = 170.00
        assert (line.period_start, line.period_end, line.active_days, line.suspended_days, line.amount) == (
            date(2026, 5, 10),
            MAY_31,
            17,
            5,
            money("170.00"),
        )
        assert (invoice.period_start, invoice.period_end) == (date(2026, 5, 10), MAY_31)
        response = await client.get(f"/api/v1/invoices/{invoice.id}/pdf", headers=auth_headers("billing"))
        assert response.status_code == 200
        page = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(response.content)).pages)
        assert "Période : du 10/05/2026 au 31/05/2026" in page
        assert "10/05/2026-31/05" in page
        assert "dont 5 j. de suspension non facturés" in page


class TestLegalTaxRates:
    async def test_a_rate_that_is_not_a_legal_tva_rate_is_422(self, client: httpx.AsyncClient) -> None:
        """Item 10."""
        response = await client.post(
            "/api/v1/billing/runs",
            json={"period_start": "2026-05-01", "period_end": "2026-05-31", "tax_rate": "0.9999"},
            headers=auth_headers("billing", **{"Idempotency-Key": "audit-rate-1"}),
        )

        assert response.status_code == 422
        error = response.json()["error"]
        assert error["details"][0]["loc"] == ["body", "tax_rate"]

    async def test_a_legal_rate_is_accepted(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("100.00"))
        await create_contract(session, client, offer, start_date=LONG_AGO)

        run = await bill(session, MAY_1, MAY_31, tax_rate="0.14")

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        # 100.00 × 0.14 = 14.00
        assert (invoice.tax_amount, invoice.total) == (money("14.00"), money("114.00"))


class TestDescriptionsUseTheSignedName:
    async def test_renaming_the_offer_after_signature_keeps_the_signed_name(self, session: AsyncSession) -> None:
        """Item 11."""
        client = await create_client(session)
        offer = await create_offer(session, "mobile", name="Forfait Liberté 20", monthly_fee=money("100.00"))
        await create_contract(session, client, offer, start_date=LONG_AGO)
        renamed = await session.get(Offer, offer.id)
        assert renamed is not None
        renamed.name = "Forfait Liberté 30"
        await session.flush()

        run = await bill(session, MAY_1, MAY_31)

        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        [line] = await lines_of(session, invoice)
        assert (line.description, line.offer_name) == ("Abonnement Forfait Liberté 20", "Forfait Liberté 20")


class TestIssuedDocumentsAreFrozen:
    """Item 12: every PDF column of an issued invoice and the stored document itself."""

    async def _rendered_invoice(self, session: AsyncSession) -> Invoice:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=money("100.00"))
        await create_contract(session, client, offer, start_date=LONG_AGO)
        run = await bill(session, MAY_1, MAY_31, render_pdfs=True)
        invoice = await invoice_of(session, run, client)
        assert invoice is not None
        assert invoice.pdf_sha256 is not None
        return invoice

    @pytest.mark.parametrize(
        "assignment",
        ["pdf_size_bytes = pdf_size_bytes + 1", "pdf_storage = 's3'", "pdf_rendered_at = now() - interval '1 day'"],
    )
    async def test_pdf_metadata_cannot_change(self, session: AsyncSession, assignment: str) -> None:
        invoice = await self._rendered_invoice(session)
        with pytest.raises(IntegrityError, match="immutable"):
            async with session.begin_nested():
                await session.execute(text(f"UPDATE invoices SET {assignment} WHERE id = :id"), {"id": invoice.id})

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE invoice_documents SET content = content || '\\x00'::bytea WHERE invoice_id = :id",
            "UPDATE invoice_documents SET sha256 = repeat('0', 64) WHERE invoice_id = :id",
            "DELETE FROM invoice_documents WHERE invoice_id = :id",
        ],
    )
    async def test_the_stored_document_cannot_change(self, session: AsyncSession, statement: str) -> None:
        invoice = await self._rendered_invoice(session)
        with pytest.raises(IntegrityError, match="invoice document"):
            async with session.begin_nested():
                await session.execute(text(statement), {"id": invoice.id})
        stored = await session.scalar(
            text("SELECT sha256 FROM invoice_documents WHERE invoice_id = :id"), {"id": invoice.id}
        )
        assert stored == invoice.pdf_sha256
