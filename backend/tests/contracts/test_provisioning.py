"""Provisioning decisions through the service API (the function the router and the landing journey call)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.exceptions import OfferNotFound
from app.contracts import service
from app.contracts.exceptions import (
    ClientTerminated,
    ContractNotActive,
    InvalidTargetContract,
    NoContractToChange,
    NumberUnavailable,
    OfferAlreadySubscribed,
    OfferNotAvailable,
    ProvisioningAmbiguous,
    ServiceTypeIncompatible,
)
from app.contracts.models import Contract, Subscriber
from app.customers.exceptions import ClientNotFound
from app.errors import AppError, BusinessValidationError
from app.kit.dates import utc_today
from tests.fixtures.contracts_factories import (
    create_contract,
    create_subscriber,
    provision_request,
    unique_landline_number,
    unique_mobile_number,
)
from tests.fixtures.factories import create_client, create_offer

START = date(2026, 3, 1)


def _loc(error: AppError) -> list[Any]:
    return list(error.details[0]["loc"])


class TestNewLine:
    async def test_auto_on_a_client_without_contract_creates_a_line_and_a_contract(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("149.00"), activation_fee=Decimal("30.00"))

        result = await service.provision_contract(session, provision_request(client, offer, start=START))

        assert result.decision == "created"
        assert result.replaced_contract is None
        contract, line = result.contract, result.subscriber
        assert re.fullmatch(rf"CT-{utc_today().year}-\d{{6}}", contract.contract_number)
        assert (contract.client_id, contract.offer_id, contract.subscriber_id) == (client.id, offer.id, line.id)
        assert contract.status == "active"
        assert (contract.start_date, contract.end_date) == (START, None)
        assert (contract.monthly_fee, contract.activation_fee) == (Decimal("149.00"), Decimal("30.00"))
        assert contract.activation_fee_pending is True
        assert (line.client_id, line.service_type, line.status, line.activated_on) == (
            client.id,
            "mobile",
            "active",
            START,
        )
        assert re.fullmatch(r"\+2126\d{8}", line.phone_number), "allocated from the mobile pool"
        assert contract.phone_number == line.phone_number

    async def test_new_line_intent_creates_even_when_a_compatible_contract_exists(self, session: AsyncSession) -> None:
        client = await create_client(session)
        existing = await create_contract(session, client, await create_offer(session, "mobile"))
        offer = await create_offer(session, "mobile")

        result = await service.provision_contract(session, provision_request(client, offer, intent="new_line"))

        assert result.decision == "created"
        assert result.subscriber.id != existing.subscriber_id
        assert (await session.get(Contract, existing.id, populate_existing=True)).status == "active"  # type: ignore[union-attr]

    async def test_existing_mobile_number_the_client_brings_becomes_the_line_number(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        result = await service.provision_contract(
            session, provision_request(client, offer, existing_mobile_local_number="07 61 23 45 67")
        )
        assert result.decision == "created"
        assert result.subscriber.phone_number == "+212761234567"

    async def test_requested_mobile_number_is_given_to_the_new_line(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        result = await service.provision_contract(
            session, provision_request(client, offer, requested_mobile_local_number="+212 6 55 33 44 22")
        )
        assert result.subscriber.phone_number == "+212655334422"

    @pytest.mark.parametrize("kind", ["fiber", "adsl", "landline"])
    async def test_internet_and_landline_lines_take_the_home_landline_number(
        self, session: AsyncSession, kind: str
    ) -> None:
        client = await create_client(session)
        offer = await create_offer(session, kind)
        result = await service.provision_contract(
            session, provision_request(client, offer, home_landline_local_number="05 37 11 22 33")
        )
        assert result.decision == "created"
        assert (result.subscriber.service_type, result.subscriber.phone_number) == (kind, "+212537112233")
        assert result.contract.service_type == kind

    async def test_a_new_internet_line_without_home_landline_is_refused_naming_the_field(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "fiber")
        with pytest.raises(BusinessValidationError) as caught:
            await service.provision_contract(session, provision_request(client, offer))
        assert caught.value.status_code == 422
        assert _loc(caught.value) == ["body", "home_landline_local_number"]

    async def test_fees_are_copied_at_signature_so_later_catalog_edits_change_nothing(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("99.00"), activation_fee=Decimal("20.00"))
        result = await service.provision_contract(session, provision_request(client, offer))

        offer.monthly_fee, offer.activation_fee = Decimal("129.00"), Decimal("0.00")
        await session.flush()

        stored = await session.get(Contract, result.contract.id, populate_existing=True)
        assert stored is not None
        assert (stored.monthly_fee, stored.activation_fee) == (Decimal("99.00"), Decimal("20.00"))

    async def test_an_offer_without_activation_fee_leaves_nothing_to_bill(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", activation_fee=Decimal("0.00"))
        result = await service.provision_contract(session, provision_request(client, offer))
        assert result.contract.activation_fee == Decimal("0.00")
        assert result.contract.activation_fee_pending is False

    async def test_contract_numbers_follow_each_other_without_gaps(self, session: AsyncSession) -> None:
        offer = await create_offer(session, "mobile")
        numbers = [
            (
                await service.provision_contract(session, provision_request(await create_client(session), offer))
            ).contract.contract_number
            for _ in range(3)
        ]
        values = [int(number.rsplit("-", 1)[1]) for number in numbers]
        assert values == [values[0], values[0] + 1, values[0] + 2]

    async def test_provisioning_writes_an_audit_record(self, session: AsyncSession) -> None:
        from app.kit.audit import AuditRecord

        client = await create_client(session)
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"))
        )
        actions = (
            await session.scalars(select(AuditRecord.action).where(AuditRecord.entity_id == str(result.contract.id)))
        ).all()
        assert actions == ["contract.provisioned"]


class TestAutoDecision:
    async def test_a_single_compatible_contract_gets_the_plan_change(self, session: AsyncSession) -> None:
        client = await create_client(session)
        current = await create_contract(session, client, await create_offer(session, "mobile"))
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("299.00"))

        result = await service.provision_contract(session, provision_request(client, offer))

        assert result.decision == "upgraded"
        assert result.replaced_contract is not None
        assert result.replaced_contract.id == current.id
        assert result.contract.subscriber_id == current.subscriber_id

    async def test_a_given_number_picks_its_contract_among_several(self, session: AsyncSession) -> None:
        client = await create_client(session)
        first = await create_contract(session, client, await create_offer(session, "mobile"))
        second = await create_contract(session, client, await create_offer(session, "mobile"))
        second_line = await session.get(Subscriber, second.subscriber_id)
        assert second_line is not None
        offer = await create_offer(session, "mobile")

        result = await service.provision_contract(
            session,
            provision_request(client, offer, existing_mobile_local_number="0" + second_line.phone_number[4:]),
        )

        assert result.replaced_contract is not None
        assert result.replaced_contract.id == second.id
        assert (await session.get(Contract, first.id, populate_existing=True)).status == "active"  # type: ignore[union-attr]

    async def test_a_home_landline_number_picks_its_internet_contract(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "fiber"))
        target = await create_contract(session, client, await create_offer(session, "adsl"))
        line = await session.get(Subscriber, target.subscriber_id)
        assert line is not None
        result = await service.provision_contract(
            session,
            provision_request(
                client, await create_offer(session, "adsl"), home_landline_local_number=line.phone_number
            ),
        )
        assert result.replaced_contract is not None
        assert result.replaced_contract.id == target.id

    async def test_several_compatible_contracts_are_ambiguous_and_listed(self, session: AsyncSession) -> None:
        client = await create_client(session)
        first = await create_contract(session, client, await create_offer(session, "mobile"))
        second = await create_contract(session, client, await create_offer(session, "mobile"))
        offer = await create_offer(session, "mobile")

        with pytest.raises(ProvisioningAmbiguous) as caught:
            await service.provision_contract(session, provision_request(client, offer))

        assert (caught.value.status_code, caught.value.code) == (409, "provisioning_ambiguous")
        listed = {detail["contract_id"] for detail in caught.value.details}
        assert listed == {str(first.id), str(second.id)}
        assert all(detail["loc"] == ["body", "target_contract_id"] for detail in caught.value.details)
        assert await session.scalar(select(func.count()).where(Contract.client_id == client.id)) == 2

    async def test_contracts_of_another_family_are_not_candidates(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "landline"))
        await create_contract(session, client, await create_offer(session, "fiber"))
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"))
        )
        assert result.decision == "created"

    async def test_suspended_and_terminated_contracts_are_not_candidates(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile"), status="suspended")
        await create_contract(
            session, client, await create_offer(session, "mobile"), status="terminated", end_date=date(2026, 2, 1)
        )
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"))
        )
        assert result.decision == "created"

    async def test_a_number_that_is_none_of_the_clients_lines_with_candidates_is_ambiguous(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        current = await create_contract(session, client, await create_offer(session, "mobile"))
        with pytest.raises(ProvisioningAmbiguous) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client, await create_offer(session, "mobile"), existing_mobile_local_number=unique_mobile_number()
                ),
            )
        assert [detail["contract_id"] for detail in caught.value.details] == [str(current.id)]

    async def test_a_line_of_the_client_without_contract_is_reused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        line = await create_subscriber(session, client, service_type="mobile")
        result = await service.provision_contract(
            session,
            provision_request(
                client, await create_offer(session, "mobile"), existing_mobile_local_number=line.phone_number
            ),
        )
        assert result.decision == "created"
        assert result.subscriber.id == line.id

    async def test_a_reused_line_of_the_other_technology_follows_the_offer_and_the_change_is_audited(
        self, session: AsyncSession
    ) -> None:
        from app.kit.audit import AuditRecord

        client = await create_client(session)
        line = await create_subscriber(session, client, service_type="adsl")
        result = await service.provision_contract(
            session,
            provision_request(
                client, await create_offer(session, "fiber"), home_landline_local_number=line.phone_number
            ),
        )
        assert (result.decision, result.subscriber.id, result.subscriber.service_type) == ("created", line.id, "fiber")
        changes = (
            await session.scalars(
                select(AuditRecord).where(
                    AuditRecord.entity_id == str(line.id), AuditRecord.action == "subscriber.technology_changed"
                )
            )
        ).all()
        assert [(c.before["service_type"], c.after["service_type"]) for c in changes] == [("adsl", "fiber")]  # type: ignore[index]

    async def test_the_offer_the_contract_already_runs_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile")
        await create_contract(session, client, offer)
        with pytest.raises(OfferAlreadySubscribed) as caught:
            await service.provision_contract(session, provision_request(client, offer))
        assert (caught.value.status_code, caught.value.code) == (409, "offer_already_subscribed")

    async def test_a_number_of_the_clients_suspended_line_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        suspended = await create_contract(session, client, await create_offer(session, "mobile"), status="suspended")
        line = await session.get(Subscriber, suspended.subscriber_id)
        assert line is not None
        with pytest.raises(ContractNotActive) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client, await create_offer(session, "mobile"), existing_mobile_local_number=line.phone_number
                ),
            )
        assert caught.value.details[0]["loc"] == ["body", "existing_mobile_local_number"]


class TestChangePlanIntent:
    async def test_without_any_compatible_contract_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        with pytest.raises(NoContractToChange) as caught:
            await service.provision_contract(
                session, provision_request(client, await create_offer(session, "mobile"), intent="change_plan")
            )
        assert (caught.value.status_code, caught.value.code) == (422, "no_contract_to_change")

    async def test_with_several_compatible_contracts_is_ambiguous(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile"))
        await create_contract(session, client, await create_offer(session, "mobile"))
        with pytest.raises(ProvisioningAmbiguous):
            await service.provision_contract(
                session, provision_request(client, await create_offer(session, "mobile"), intent="change_plan")
            )

    async def test_with_one_compatible_contract_changes_it(self, session: AsyncSession) -> None:
        client = await create_client(session)
        current = await create_contract(session, client, await create_offer(session, "mobile"))
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"), intent="change_plan")
        )
        assert result.replaced_contract is not None
        assert result.replaced_contract.id == current.id

    async def test_a_number_that_is_none_of_the_clients_lines_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile"))
        with pytest.raises(NoContractToChange) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client,
                    await create_offer(session, "mobile"),
                    intent="change_plan",
                    existing_mobile_local_number=unique_mobile_number(),
                ),
            )
        assert _loc(caught.value) == ["body", "existing_mobile_local_number"]


class TestTargetContract:
    async def test_the_target_is_changed_even_among_several_candidates(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile"))
        target = await create_contract(session, client, await create_offer(session, "mobile"))
        result = await service.provision_contract(
            session,
            provision_request(client, await create_offer(session, "mobile"), target_contract_id=target.id),
        )
        assert result.replaced_contract is not None
        assert result.replaced_contract.id == target.id

    async def test_a_contract_of_another_client_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        foreign = await create_contract(session, await create_client(session), await create_offer(session, "mobile"))
        with pytest.raises(InvalidTargetContract) as caught:
            await service.provision_contract(
                session,
                provision_request(client, await create_offer(session, "mobile"), target_contract_id=foreign.id),
            )
        assert (caught.value.status_code, caught.value.code) == (422, "invalid_target_contract")
        assert (await session.get(Contract, foreign.id, populate_existing=True)).status == "active"  # type: ignore[union-attr]

    async def test_an_unknown_contract_is_refused(self, session: AsyncSession) -> None:
        import uuid

        client = await create_client(session)
        with pytest.raises(InvalidTargetContract):
            await service.provision_contract(
                session,
                provision_request(client, await create_offer(session, "mobile"), target_contract_id=uuid.uuid4()),
            )

    @pytest.mark.parametrize(("status", "end_date"), [("suspended", None), ("terminated", date(2026, 2, 1))])
    async def test_a_target_that_is_not_active_is_refused(
        self, session: AsyncSession, status: str, end_date: date | None
    ) -> None:
        client = await create_client(session)
        target = await create_contract(
            session, client, await create_offer(session, "mobile"), status=status, end_date=end_date
        )
        with pytest.raises(ContractNotActive) as caught:
            await service.provision_contract(
                session,
                provision_request(client, await create_offer(session, "mobile"), target_contract_id=target.id),
            )
        assert (caught.value.status_code, caught.value.code) == (409, "contract_not_active")

    async def test_an_incompatible_target_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        target = await create_contract(session, client, await create_offer(session, "landline"))
        with pytest.raises(ServiceTypeIncompatible) as caught:
            await service.provision_contract(
                session,
                provision_request(client, await create_offer(session, "mobile"), target_contract_id=target.id),
            )
        assert (caught.value.status_code, caught.value.code) == (422, "service_type_incompatible")

    async def test_a_new_line_intent_takes_no_target(self, session: AsyncSession) -> None:
        client = await create_client(session)
        target = await create_contract(session, client, await create_offer(session, "mobile"))
        with pytest.raises(BusinessValidationError) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client, await create_offer(session, "mobile"), intent="new_line", target_contract_id=target.id
                ),
            )
        assert _loc(caught.value) == ["body", "target_contract_id"]

    async def test_a_number_that_is_not_the_targets_line_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        target = await create_contract(session, client, await create_offer(session, "mobile"))
        with pytest.raises(BusinessValidationError) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client,
                    await create_offer(session, "mobile"),
                    target_contract_id=target.id,
                    existing_mobile_local_number=unique_mobile_number(),
                ),
            )
        assert caught.value.code == "number_mismatch"
        assert _loc(caught.value) == ["body", "existing_mobile_local_number"]


class TestPlanChangeDates:
    async def test_old_contract_ends_the_day_before_the_new_one_starts_on_the_same_line(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        old = await create_contract(
            session, client, await create_offer(session, "mobile"), start_date=date(2026, 1, 10)
        )
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"), start=date(2026, 3, 1))
        )

        replaced = result.replaced_contract
        assert replaced is not None
        assert replaced.end_date == date(2026, 2, 28)
        assert replaced.status == "terminated"
        assert replaced.terminated_at is not None
        assert result.contract.start_date == date(2026, 3, 1)
        assert result.contract.end_date is None
        assert result.contract.replaced_contract_id == old.id
        assert result.contract.subscriber_id == old.subscriber_id
        assert result.subscriber.status == "active"

    async def test_leap_day_and_month_boundaries_are_calendar_exact(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile"), start_date=date(2027, 12, 1))
        offer = await create_offer(session, "mobile")
        result = await service.provision_contract(session, provision_request(client, offer, start=date(2028, 3, 1)))
        assert result.replaced_contract is not None
        assert result.replaced_contract.end_date == date(2028, 2, 29)

    async def test_a_future_plan_change_closes_the_old_contract_now_with_its_last_day_ahead(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile"))
        start = utc_today() + timedelta(days=20)
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"), start=start)
        )
        assert result.replaced_contract is not None
        assert result.replaced_contract.end_date == start - timedelta(days=1)
        assert result.replaced_contract.status == "terminated"
        assert result.contract.status == "active"
        live = await service.list_client_contracts(session, client.id)
        assert [contract.id for contract in live] == [result.contract.id]

    async def test_a_change_starting_on_the_old_start_date_leaves_an_empty_old_contract(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile"), start_date=START)
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"), start=START)
        )
        assert result.replaced_contract is not None
        assert result.replaced_contract.end_date == START - timedelta(days=1)

    async def test_a_future_plan_change_is_undone_by_changing_back_on_the_same_start_date(
        self, session: AsyncSession
    ) -> None:
        client = await create_client(session)
        original_offer = await create_offer(session, "mobile")
        await create_contract(session, client, original_offer)
        start = utc_today() + timedelta(days=20)
        planned = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"), start=start)
        )

        back = await service.provision_contract(session, provision_request(client, original_offer, start=start))

        assert back.replaced_contract is not None
        assert back.replaced_contract.id == planned.contract.id
        assert back.replaced_contract.end_date == start - timedelta(days=1), "the planned contract ends empty"
        assert (back.contract.offer_id, back.contract.start_date) == (original_offer.id, start)

    async def test_a_change_starting_before_the_old_contract_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        old = await create_contract(session, client, await create_offer(session, "mobile"), start_date=START)
        with pytest.raises(BusinessValidationError) as caught:
            await service.provision_contract(
                session,
                provision_request(client, await create_offer(session, "mobile"), start=START - timedelta(days=1)),
            )
        assert _loc(caught.value) == ["body", "contract_start_date"]
        assert (await session.get(Contract, old.id, populate_existing=True)).status == "active"  # type: ignore[union-attr]


class TestPlanChangeFees:
    @pytest.mark.parametrize(
        ("old_fee", "new_fee", "decision"),
        [("199.00", "249.00", "upgraded"), ("199.00", "149.00", "downgraded"), ("199.00", "199.00", "upgraded")],
    )
    async def test_the_decision_follows_the_monthly_fee(
        self, session: AsyncSession, old_fee: str, new_fee: str, decision: str
    ) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "mobile", monthly_fee=Decimal(old_fee)))
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile", monthly_fee=Decimal(new_fee)))
        )
        assert result.decision == decision
        assert result.contract.decision == decision
        assert result.contract.monthly_fee == Decimal(new_fee)

    async def test_same_technology_carries_no_activation_fee(self, session: AsyncSession) -> None:
        client = await create_client(session)
        await create_contract(session, client, await create_offer(session, "fiber"))
        offer = await create_offer(session, "fiber", activation_fee=Decimal("300.00"))
        result = await service.provision_contract(session, provision_request(client, offer))
        assert result.contract.activation_fee == Decimal("0.00")
        assert result.contract.activation_fee_pending is False
        assert result.subscriber.service_type == "fiber"

    @pytest.mark.parametrize(("old_kind", "new_kind"), [("adsl", "fiber"), ("fiber", "adsl")])
    async def test_a_technology_change_moves_the_line_and_charges_activation(
        self, session: AsyncSession, old_kind: str, new_kind: str
    ) -> None:
        client = await create_client(session)
        old = await create_contract(session, client, await create_offer(session, old_kind))
        offer = await create_offer(session, new_kind, activation_fee=Decimal("300.00"))

        result = await service.provision_contract(session, provision_request(client, offer))

        assert result.subscriber.id == old.subscriber_id
        assert result.subscriber.service_type == new_kind
        assert result.contract.service_type == new_kind
        assert result.contract.activation_fee == Decimal("300.00")
        assert result.contract.activation_fee_pending is True


class TestRefusals:
    async def test_unknown_client_is_not_found(self, session: AsyncSession) -> None:
        import uuid

        offer = await create_offer(session, "mobile")
        with pytest.raises(ClientNotFound):
            await service.provision_contract(session, provision_request(uuid.uuid4(), offer))

    async def test_unknown_offer_is_not_found(self, session: AsyncSession) -> None:
        import uuid

        client = await create_client(session)
        with pytest.raises(OfferNotFound):
            await service.provision_contract(session, provision_request(client, uuid.uuid4()))

    async def test_a_terminated_client_gets_nothing(self, session: AsyncSession) -> None:
        client = await create_client(session, status="terminated")
        with pytest.raises(ClientTerminated) as caught:
            await service.provision_contract(session, provision_request(client, await create_offer(session, "mobile")))
        assert (caught.value.status_code, caught.value.code) == (409, "client_terminated")

    async def test_a_delinquent_client_is_not_refused(self, session: AsyncSession) -> None:
        # Choice (docs/contracts.md): the issue refuses terminated clients only.
        client = await create_client(session, status="delinquent")
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"))
        )
        assert result.decision == "created"

    @pytest.mark.parametrize(
        "offer_fields",
        [
            {"status": "retired"},
            {"valid_from": date(2026, 4, 1)},
            {"valid_from": date(2025, 1, 1), "valid_to": date(2026, 2, 28)},
        ],
        ids=["retired", "not-yet-valid", "expired"],
    )
    async def test_an_offer_not_on_sale_on_the_start_date_is_refused(
        self, session: AsyncSession, offer_fields: dict[str, Any]
    ) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", **offer_fields)
        with pytest.raises(OfferNotAvailable) as caught:
            await service.provision_contract(session, provision_request(client, offer, start=START))
        assert (caught.value.status_code, caught.value.code) == (422, "offer_not_available")
        assert _loc(caught.value) == ["body", "offer_id"]

    async def test_the_last_valid_day_of_an_offer_is_still_on_sale(self, session: AsyncSession) -> None:
        client = await create_client(session)
        offer = await create_offer(session, "mobile", valid_from=date(2025, 1, 1), valid_to=START)
        result = await service.provision_contract(session, provision_request(client, offer, start=START))
        assert result.decision == "created"

    @pytest.mark.parametrize(
        ("field", "raw"),
        [
            ("existing_mobile_local_number", "05 37 11 22 33"),
            ("requested_mobile_local_number", "0812345678"),
            ("home_landline_local_number", "06 55 33 44 22"),
        ],
    )
    def test_a_number_of_the_wrong_family_is_refused_naming_the_field(self, field: str, raw: str) -> None:
        import uuid

        with pytest.raises(ValidationError) as caught:
            provision_request(uuid.uuid4(), uuid.uuid4(), **{field: raw})
        assert [error["loc"] for error in caught.value.errors()] == [(field,)]

    @pytest.mark.parametrize("field", ["existing_mobile_local_number", "requested_mobile_local_number"])
    async def test_a_mobile_number_on_an_internet_offer_is_refused(self, session: AsyncSession, field: str) -> None:
        client = await create_client(session)
        with pytest.raises(BusinessValidationError) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client,
                    await create_offer(session, "fiber"),
                    home_landline_local_number=unique_landline_number(),
                    **{field: unique_mobile_number()},
                ),
            )
        assert _loc(caught.value) == ["body", field]

    async def test_a_home_landline_on_a_mobile_offer_is_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        with pytest.raises(BusinessValidationError) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client, await create_offer(session, "mobile"), home_landline_local_number=unique_landline_number()
                ),
            )
        assert _loc(caught.value) == ["body", "home_landline_local_number"]

    async def test_an_existing_and_a_requested_number_together_are_refused(self, session: AsyncSession) -> None:
        client = await create_client(session)
        with pytest.raises(BusinessValidationError) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client,
                    await create_offer(session, "mobile"),
                    existing_mobile_local_number=unique_mobile_number(),
                    requested_mobile_local_number=unique_mobile_number(),
                ),
            )
        assert _loc(caught.value) == ["body", "requested_mobile_local_number"]

    @pytest.mark.parametrize(
        ("kind", "field"),
        [
            ("mobile", "existing_mobile_local_number"),
            ("mobile", "requested_mobile_local_number"),
            ("fiber", "home_landline_local_number"),
        ],
    )
    async def test_a_number_of_another_clients_live_line_is_unavailable(
        self, session: AsyncSession, kind: str, field: str
    ) -> None:
        taken = await create_subscriber(session, service_type=kind)
        client = await create_client(session)
        with pytest.raises(NumberUnavailable) as caught:
            await service.provision_contract(
                session, provision_request(client, await create_offer(session, kind), **{field: taken.phone_number})
            )
        assert (caught.value.status_code, caught.value.code) == (409, "number_unavailable")
        assert caught.value.details[0]["loc"] == ["body", field]

    async def test_a_new_line_cannot_take_the_number_of_the_clients_own_line(self, session: AsyncSession) -> None:
        client = await create_client(session)
        current = await create_contract(session, client, await create_offer(session, "mobile"))
        line = await session.get(Subscriber, current.subscriber_id)
        assert line is not None
        with pytest.raises(NumberUnavailable):
            await service.provision_contract(
                session,
                provision_request(
                    client,
                    await create_offer(session, "mobile"),
                    intent="new_line",
                    existing_mobile_local_number=line.phone_number,
                ),
            )

    async def test_a_number_of_a_terminated_line_can_be_taken_again(self, session: AsyncSession) -> None:
        old = await create_subscriber(session, service_type="mobile", status="terminated")
        result = await service.provision_contract(
            session,
            provision_request(
                await create_client(session),
                await create_offer(session, "mobile"),
                requested_mobile_local_number=old.phone_number,
            ),
        )
        assert result.subscriber.phone_number == old.phone_number
        assert result.subscriber.id != old.id

    async def test_a_number_of_the_clients_line_of_another_family_is_incompatible(self, session: AsyncSession) -> None:
        client = await create_client(session)
        landline = await create_contract(session, client, await create_offer(session, "landline"))
        line = await session.get(Subscriber, landline.subscriber_id)
        assert line is not None
        with pytest.raises(ServiceTypeIncompatible) as caught:
            await service.provision_contract(
                session,
                provision_request(
                    client, await create_offer(session, "fiber"), home_landline_local_number=line.phone_number
                ),
            )
        assert _loc(caught.value) == ["body", "home_landline_local_number"]


class TestPublicReads:
    async def test_list_client_contracts_keeps_live_ones_unless_asked(self, session: AsyncSession) -> None:
        client = await create_client(session)
        old = await create_contract(session, client, await create_offer(session, "mobile"), start_date=date(2026, 1, 1))
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"), start=START)
        )
        assert [c.id for c in await service.list_client_contracts(session, client.id)] == [result.contract.id]
        assert [c.id for c in await service.list_client_contracts(session, client.id, live_only=False)] == [
            old.id,
            result.contract.id,
        ]

    async def test_get_contract_of_an_unknown_id_is_not_found(self, session: AsyncSession) -> None:
        import uuid

        with pytest.raises(AppError) as caught:
            await service.get_contract(session, uuid.uuid4())
        assert caught.value.status_code == 404
