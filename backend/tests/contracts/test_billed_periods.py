"""Lifecycle changes dated back into invoiced days are refused (nothing is billed twice), and an activation fee
still owed is carried, never lost, when a plan change replaces a contract on its own start date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service as billing_service
from app.billing.models import InvoiceLine
from app.catalog.models import Offer
from app.contracts import service
from app.contracts.billed_periods import PeriodAlreadyBilled
from app.contracts.models import Contract, ContractSuspension
from app.customers.models import Client
from tests.fixtures.auth import auth_headers
from tests.fixtures.billing_factories import bill, create_contract, invoice_of, lines_of, suspend
from tests.fixtures.contracts_factories import provision_request
from tests.fixtures.factories import create_client, create_offer

JAN_1, JAN_31 = date(2026, 1, 1), date(2026, 1, 31)
FEB_1, FEB_28 = date(2026, 2, 1), date(2026, 2, 28)
MAR_1, MAR_31 = date(2026, 3, 1), date(2026, 3, 31)


async def _billed_for_january(session: AsyncSession, *, dry_run: bool = False) -> tuple[Client, Offer, Contract]:
    """A mobile contract running since 2025, with January 2026 invoiced (or only previewed)."""
    client = await create_client(session)
    offer = await create_offer(session, "mobile", monthly_fee=Decimal("199.00"))
    contract = await create_contract(session, client, offer, start_date=date(2025, 6, 1))
    await bill(session, JAN_1, JAN_31, dry_run=dry_run)
    return client, offer, contract


async def _reloaded(session: AsyncSession, contract: Contract) -> Contract:
    fresh = await session.get(Contract, contract.id, populate_existing=True)
    assert fresh is not None
    return fresh


def _loc(error: PeriodAlreadyBilled) -> list[object]:
    return list(error.details[0]["loc"])


class TestBilledThrough:
    async def test_is_the_last_day_invoiced_and_ignores_dry_runs(self, session: AsyncSession) -> None:
        _, _, contract = await _billed_for_january(session, dry_run=True)
        assert await billing_service.billed_through(session, contract.id) is None

        await bill(session, JAN_1, date(2026, 2, 10))

        assert await billing_service.billed_through(session, contract.id) == date(2026, 2, 10)

    async def test_suspended_days_at_the_end_of_a_month_are_not_billed_through(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        contract = await create_contract(session, client, offer, start_date=date(2025, 6, 1), status="suspended")
        await suspend(session, contract, since=date(2026, 1, 21), resumed_on=None)

        await bill(session, JAN_1, JAN_31)

        assert await billing_service.billed_through(session, contract.id) == date(2026, 1, 20)


class TestPlanChangeIntoBilledDays:
    async def test_a_plan_change_starting_inside_invoiced_days_is_refused_naming_the_start_date(
        self, session: AsyncSession
    ) -> None:
        client, _, contract = await _billed_for_january(session)
        premium = await create_offer(session, "mobile", monthly_fee=Decimal("299.00"))

        with pytest.raises(PeriodAlreadyBilled) as caught:
            await service.provision_contract(
                session, provision_request(client, premium, start=date(2026, 1, 16), target_contract_id=contract.id)
            )

        assert (caught.value.status_code, caught.value.code) == (409, "period_already_billed")
        assert _loc(caught.value) == ["body", "contract_start_date"]
        assert caught.value.details[0]["billed_through"] == "2026-01-31"
        old = await _reloaded(session, contract)
        assert (old.status, old.end_date) == ("active", None)

    async def test_a_plan_change_after_the_invoiced_days_bills_each_day_once(self, session: AsyncSession) -> None:
        client, _, contract = await _billed_for_january(session)
        premium = await create_offer(session, "mobile", monthly_fee=Decimal("299.00"))

        result = await service.provision_contract(
            session, provision_request(client, premium, start=FEB_1, target_contract_id=contract.id)
        )
        february = await bill(session, JAN_1, FEB_28)

        invoice = await invoice_of(session, february, client)
        assert invoice is not None
        assert [(line.contract_id, line.period_start, line.amount) for line in await lines_of(session, invoice)] == [
            (result.contract.id, FEB_1, Decimal("299.00"))
        ]

    async def test_a_dry_run_does_not_block_a_back_dated_plan_change(self, session: AsyncSession) -> None:
        client, _, contract = await _billed_for_january(session, dry_run=True)

        result = await service.provision_contract(
            session,
            provision_request(
                client, await create_offer(session, "mobile"), start=date(2026, 1, 16), target_contract_id=contract.id
            ),
        )

        assert result.contract.start_date == date(2026, 1, 16)


class TestLifecycleIntoBilledDays:
    async def test_a_termination_whose_last_day_is_inside_invoiced_days_is_refused(self, session: AsyncSession) -> None:
        _, _, contract = await _billed_for_january(session)

        with pytest.raises(PeriodAlreadyBilled) as caught:
            await service.terminate_contract(session, contract.id, date(2026, 1, 20))

        assert _loc(caught.value) == ["body", "effective_date"]
        assert (await _reloaded(session, contract)).status == "active"

    async def test_a_termination_on_the_last_invoiced_day_is_accepted(self, session: AsyncSession) -> None:
        _, _, contract = await _billed_for_january(session)

        terminated = await service.terminate_contract(session, contract.id, JAN_31)

        assert (terminated.status, terminated.end_date) == ("terminated", JAN_31)

    async def test_a_suspension_starting_inside_invoiced_days_is_refused(self, session: AsyncSession) -> None:
        _, _, contract = await _billed_for_january(session)

        with pytest.raises(PeriodAlreadyBilled) as caught:
            await service.suspend_contract(session, contract.id, JAN_31)

        assert _loc(caught.value) == ["body", "effective_date"]
        assert (await _reloaded(session, contract)).status == "active"
        assert (
            await session.scalar(select(ContractSuspension).where(ContractSuspension.contract_id == contract.id))
            is None
        )

    async def test_a_suspension_from_the_day_after_the_invoiced_days_is_accepted(self, session: AsyncSession) -> None:
        _, _, contract = await _billed_for_january(session)

        suspended = await service.suspend_contract(session, contract.id, FEB_1)

        assert suspended.status == "suspended"

    async def test_the_refusal_is_a_409_in_the_error_envelope_naming_the_field(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        _, _, contract = await _billed_for_january(session)

        response = await client.post(
            f"/api/v1/contracts/{contract.id}/terminate",
            json={"effective_date": "2026-01-10"},
            headers=auth_headers("operator"),
        )

        assert response.status_code == 409, response.text
        error = response.json()["error"]
        assert error["code"] == "period_already_billed"
        assert error["details"][0]["loc"] == ["body", "effective_date"]


class TestDatabaseGuard:
    """Writers other than the contracts service meet the same rule in the database."""

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE contracts SET end_date = DATE '2026-01-15', status = 'terminated' WHERE id = :id",
            "INSERT INTO contract_suspensions (contract_id, suspended_from) VALUES (:id, DATE '2026-01-31')",
        ],
        ids=["end", "suspension"],
    )
    async def test_billed_days_cannot_be_ended_or_suspended(self, session: AsyncSession, statement: str) -> None:
        _, _, contract = await _billed_for_january(session)

        with pytest.raises(IntegrityError) as caught:
            async with session.begin_nested():
                await session.execute(text(statement), {"id": contract.id})

        assert caught.value.orig is not None
        assert getattr(caught.value.orig.diag, "constraint_name", None) == "period_already_billed"

    async def test_days_after_the_invoiced_ones_can_still_end(self, session: AsyncSession) -> None:
        _, _, contract = await _billed_for_january(session)

        await session.execute(
            text("UPDATE contracts SET end_date = DATE '2026-01-31', status = 'terminated' WHERE id = :id"),
            {"id": contract.id},
        )

        assert (await _reloaded(session, contract)).end_date == JAN_31


class TestActivationFeeOfAContractReplacedOnItsStartDate:
    async def test_the_pending_fee_moves_to_the_new_contract_and_is_billed_once(self, session: AsyncSession) -> None:
        client = await create_client(session)
        basic = await create_offer(session, "mobile", monthly_fee=Decimal("199.00"), activation_fee=Decimal("100.00"))
        premium = await create_offer(session, "mobile", monthly_fee=Decimal("299.00"), activation_fee=Decimal("0.00"))
        old = await create_contract(session, client, basic, start_date=MAR_1)

        result = await service.provision_contract(
            session, provision_request(client, premium, start=MAR_1, target_contract_id=old.id)
        )
        march = await bill(session, MAR_1, MAR_31)

        assert (result.contract.activation_fee, result.contract.activation_fee_pending) == (Decimal("100.00"), True)
        assert (await _reloaded(session, old)).activation_fee_pending is False
        invoice = await invoice_of(session, march, client)
        assert invoice is not None
        assert [(line.contract_id, line.kind, line.amount) for line in await lines_of(session, invoice)] == [
            (result.contract.id, "activation", Decimal("100.00")),
            (result.contract.id, "recurring", Decimal("299.00")),
        ]

    async def test_a_period_starting_before_the_replaced_contract_bills_the_fee_once(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        basic = await create_offer(session, "mobile", monthly_fee=Decimal("199.00"), activation_fee=Decimal("100.00"))
        old = await create_contract(session, client, basic, start_date=date(2026, 3, 10))

        await service.provision_contract(
            session,
            provision_request(
                client, await create_offer(session, "mobile"), start=date(2026, 3, 10), target_contract_id=old.id
            ),
        )
        march = await bill(session, MAR_1, MAR_31)

        invoice = await invoice_of(session, march, client)
        assert invoice is not None
        activations = await session.scalars(
            select(InvoiceLine.amount).where(InvoiceLine.invoice_id == invoice.id, InvoiceLine.kind == "activation")
        )
        assert list(activations) == [Decimal("100.00")]

    async def test_a_technology_change_adds_its_own_fee_to_the_carried_one(self, session: AsyncSession) -> None:
        client = await create_client(session)
        fiber = await create_offer(session, "fiber", activation_fee=Decimal("300.00"))
        adsl = await create_offer(session, "adsl", activation_fee=Decimal("150.00"))
        old = await create_contract(session, client, fiber, start_date=MAR_1)

        result = await service.provision_contract(
            session, provision_request(client, adsl, start=MAR_1, target_contract_id=old.id)
        )

        assert result.contract.activation_fee == Decimal("450.00")

    async def test_a_fee_already_invoiced_is_not_carried(self, session: AsyncSession) -> None:
        client = await create_client(session)
        basic = await create_offer(session, "mobile", monthly_fee=Decimal("199.00"), activation_fee=Decimal("100.00"))
        old = await create_contract(session, client, basic, start_date=date(2026, 1, 10))
        # Suspended from its first day: January bills the activation fee and no service day.
        await suspend(session, old, since=date(2026, 1, 10), resumed_on=date(2026, 2, 1))
        await bill(session, JAN_1, JAN_31)

        result = await service.provision_contract(
            session,
            provision_request(
                client, await create_offer(session, "mobile"), start=date(2026, 1, 10), target_contract_id=old.id
            ),
        )

        assert (result.contract.activation_fee, result.contract.activation_fee_pending) == (Decimal("0.00"), False)

    async def test_a_plan_change_after_service_began_carries_nothing(self, session: AsyncSession) -> None:
        client = await create_client(session)
        basic = await create_offer(session, "mobile", monthly_fee=Decimal("199.00"), activation_fee=Decimal("100.00"))
        old = await create_contract(session, client, basic, start_date=MAR_1)

        result = await service.provision_contract(
            session,
            provision_request(
                client, await create_offer(session, "mobile"), start=date(2026, 3, 2), target_contract_id=old.id
            ),
        )

        assert result.contract.activation_fee == Decimal("0.00")
        assert (await _reloaded(session, old)).activation_fee_pending is True
