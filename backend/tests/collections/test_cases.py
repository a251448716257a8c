"""Invoice status over time, collection cases, delinquency and the dunning policy (the evaluation)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.collections import cases
from app.collections.exceptions import EvaluationInProgress
from app.collections.models import CollectionAction, CollectionCase, OutboxEvent
from app.config import Settings, get_settings
from app.customers import service as customers_service
from app.customers.exceptions import ClientDeleteBlocked
from app.customers.models import Client
from app.kit.audit import AuditRecord
from app.kit.locks import LockNamespace
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice, reload
from tests.fixtures.factories import create_client

TODAY = datetime.now(UTC).date()
EVALUATIONS = "/api/v1/collections/evaluations"
CASES = "/api/v1/collections/cases"


def collector(**extra: str) -> dict[str, str]:
    return auth_headers("collections", subject="agent.karim", **extra)


async def evaluate(http: httpx.AsyncClient, as_of: date) -> dict[str, Any]:
    response = await http.post(EVALUATIONS, json={"as_of": as_of.isoformat()}, headers=collector())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def pay(http: httpx.AsyncClient, client_id: uuid.UUID, amount: str, **extra: Any) -> httpx.Response:
    response = await http.post(
        "/api/v1/collections/payments",
        json={"client_id": str(client_id), "amount": amount, "method": "cash", **extra},
        headers=collector(**{"Idempotency-Key": f"k-{uuid.uuid4()}"}),
    )
    assert response.status_code == 201, response.text
    return response


async def open_case(session: AsyncSession, client_id: uuid.UUID) -> CollectionCase:
    case = await cases.open_case_for_client(session, client_id)
    assert case is not None
    return case


async def client_status(session: AsyncSession, client_id: uuid.UUID) -> str:
    status = await session.scalar(
        select(Client.status).where(Client.id == client_id).execution_options(populate_existing=True)
    )
    assert status is not None
    return status


async def events(session: AsyncSession, event_type: str, case_id: uuid.UUID) -> list[OutboxEvent]:
    stmt = (
        select(OutboxEvent)
        .where(OutboxEvent.type == event_type, OutboxEvent.payload["case_id"].astext == str(case_id))
        .order_by(OutboxEvent.created_at)
    )
    return list(await session.scalars(stmt))


async def policy_actions(session: AsyncSession, case_id: uuid.UUID) -> list[str]:
    stmt = (
        select(CollectionAction.action_type)
        .where(CollectionAction.case_id == case_id, CollectionAction.origin == "dunning_policy")
        .order_by(CollectionAction.created_at)
    )
    return list(await session.scalars(stmt))


class TestInvoiceStatusAcrossDates:
    async def test_an_invoice_goes_from_issued_to_overdue_to_paid(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        due = TODAY - timedelta(days=1)
        invoice = await create_invoice(session, customer, total="300.00", due_date=due)

        on_due_date = await evaluate(client, due)
        assert (await reload(session, invoice)).status == "issued"
        assert on_due_date["invoices_marked_overdue"] == 0

        day_after = await evaluate(client, due + timedelta(days=1))
        assert (await reload(session, invoice)).status == "overdue"
        assert day_after["invoices_marked_overdue"] >= 1

        await pay(client, customer.id, "100.00")
        partly = await reload(session, invoice)
        assert (partly.status, partly.outstanding_amount) == ("overdue", Decimal("200.00"))

        await pay(client, customer.id, "200.00")
        assert (await reload(session, invoice)).status == "paid"


class TestCaseOpening:
    async def test_an_overdue_invoice_opens_a_case_and_the_client_becomes_delinquent(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        due = TODAY - timedelta(days=10)
        invoice = await create_invoice(session, customer, total="480.00", due_date=due)

        summary = await evaluate(client, TODAY)

        case = await open_case(session, customer.id)
        assert (case.status, case.total_overdue, case.overdue_invoice_count) == ("open", Decimal("480.00"), 1)
        assert (case.oldest_due_date, case.days_past_due, case.aging_bucket) == (due, 10, "0-30")
        assert (case.opened_on, case.evaluated_on) == (TODAY, TODAY)
        assert summary["cases_opened"] >= 1
        assert summary["clients_marked_delinquent"] >= 1
        assert await client_status(session, customer.id) == "delinquent"
        opened = await events(session, "collection_case.opened", case.id)
        assert len(opened) == 1
        assert opened[0].payload["total_overdue"] == "480.00"
        assert opened[0].payload["client_id"] == str(customer.id)
        audit = await session.scalar(
            select(AuditRecord).where(AuditRecord.entity_id == str(case.id), AuditRecord.action == "case.opened")
        )
        assert audit is not None
        detail = (await client.get(f"{CASES}/{case.id}", headers=collector())).json()
        assert [(row["invoice_id"], row["status"]) for row in detail["invoices"]] == [(str(invoice.id), "overdue")]

    async def test_further_overdue_invoices_join_the_clients_single_open_case(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="100.00", due_date=TODAY - timedelta(days=40))
        await evaluate(client, TODAY - timedelta(days=1))
        await create_invoice(session, customer, total="50.00", due_date=TODAY - timedelta(days=5))

        second = await evaluate(client, TODAY)

        assert second["cases_opened"] == 0
        count = await session.scalar(select(func.count()).where(CollectionCase.client_id == customer.id))
        assert count == 1
        case = await open_case(session, customer.id)
        assert (case.total_overdue, case.overdue_invoice_count, case.days_past_due, case.aging_bucket) == (
            Decimal("150.00"),
            2,
            40,
            "31-60",
        )
        detail = (await client.get(f"{CASES}/{case.id}", headers=collector())).json()
        assert len(detail["invoices"]) == 2

    async def test_the_database_refuses_a_second_open_case_for_a_client(self, session: AsyncSession) -> None:
        customer = await create_client(session)
        session.add(CollectionCase(client_id=customer.id, status="open", opened_on=TODAY, evaluated_on=TODAY))
        await session.flush()

        second = CollectionCase(client_id=customer.id, status="in_progress", opened_on=TODAY, evaluated_on=TODAY)

        with pytest.raises(IntegrityError, match="uq_collection_cases_client_open"):
            async with session.begin_nested():
                session.add(second)

    async def test_an_invoice_not_yet_due_opens_nothing(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=TODAY)

        await evaluate(client, TODAY)

        assert await cases.open_case_for_client(session, customer.id) is None
        assert await client_status(session, customer.id) == "active"

    async def test_a_terminated_client_keeps_its_status_while_its_case_is_worked(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session, status="terminated")
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=3))

        await evaluate(client, TODAY)

        assert (await open_case(session, customer.id)).status == "open"
        assert await client_status(session, customer.id) == "terminated"

    async def test_case_history_blocks_the_clients_hard_delete(self, session: AsyncSession) -> None:
        customer = await create_client(session)
        session.add(CollectionCase(client_id=customer.id, status="open", opened_on=TODAY, evaluated_on=TODAY))
        await session.flush()

        with pytest.raises(ClientDeleteBlocked) as blocked:
            await customers_service.delete_client(session, customer.id)

        assert "collection_case" in {detail["kind"] for detail in blocked.value.details}


class TestAging:
    @pytest.mark.parametrize(
        ("days", "bucket"),
        [(1, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+")],
    )
    async def test_days_past_due_and_the_aging_bucket_follow_the_evaluation_date(
        self, session: AsyncSession, days: int, bucket: str
    ) -> None:
        customer = await create_client(session)
        due = TODAY - timedelta(days=100)
        await create_invoice(session, customer, due_date=due)

        await cases.evaluate_collections(session, due + timedelta(days=days))

        case = await open_case(session, customer.id)
        assert (case.days_past_due, case.aging_bucket) == (days, bucket)

    async def test_the_same_case_ages_as_days_pass(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        due = TODAY - timedelta(days=100)
        await create_invoice(session, customer, due_date=due)
        seen = []
        for days in (5, 35, 65, 95):
            await evaluate(client, due + timedelta(days=days))
            case = await open_case(session, customer.id)
            seen.append((case.id, case.days_past_due, case.aging_bucket, case.evaluated_on))

        assert len({case_id for case_id, *_ in seen}) == 1
        assert [row[1:] for row in seen] == [
            (5, "0-30", due + timedelta(days=5)),
            (35, "31-60", due + timedelta(days=35)),
            (65, "61-90", due + timedelta(days=65)),
            (95, "90+", due + timedelta(days=95)),
        ]


class TestResolution:
    async def test_a_partial_payment_lowers_the_case_total_and_keeps_the_client_delinquent(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="200.00", due_date=TODAY - timedelta(days=20))
        await create_invoice(session, customer, total="100.00", due_date=TODAY - timedelta(days=5))
        await evaluate(client, TODAY)

        await pay(client, customer.id, "200.00")

        case = await open_case(session, customer.id)
        assert (case.total_overdue, case.overdue_invoice_count, case.days_past_due) == (Decimal("100.00"), 1, 5)
        assert case.oldest_due_date == TODAY - timedelta(days=5)
        assert await client_status(session, customer.id) == "delinquent"

    async def test_full_settlement_resolves_the_case_and_clears_delinquency(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, total="200.00", due_date=TODAY - timedelta(days=20))
        not_yet_due = await create_invoice(session, customer, total="90.00", due_date=TODAY + timedelta(days=10))
        await evaluate(client, TODAY)
        case_id = (await open_case(session, customer.id)).id

        await pay(client, customer.id, "200.00")

        case = await cases.get_case(session, case_id)
        assert (case.status, case.closed_on, case.total_overdue) == ("resolved", TODAY, Decimal("0.00"))
        assert await cases.open_case_for_client(session, customer.id) is None
        assert await client_status(session, customer.id) == "active"
        assert (await reload(session, not_yet_due)).status == "issued"
        resolved = await events(session, "collection_case.status_changed", case_id)
        assert [(e.payload["from_status"], e.payload["to_status"], e.payload["reason"]) for e in resolved] == [
            ("open", "resolved", "overdue_invoices_paid")
        ]
        change = await session.scalar(
            select(AuditRecord).where(
                AuditRecord.action == "case.status_changed", AuditRecord.entity_id == str(case_id)
            )
        )
        assert change is not None
        assert change.before == {"status": "open"}
        client_audit = await session.scalar(
            select(func.count()).where(
                AuditRecord.action == "client.status_changed", AuditRecord.entity_id == str(customer.id)
            )
        )
        assert client_audit == 2  # delinquent, then active again

    async def test_approving_the_last_overdue_invoice_as_paid_resolves_the_case(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, due_date=TODAY - timedelta(days=2))
        await evaluate(client, TODAY)

        response = await client.post(
            f"/api/v1/collections/invoices/{invoice.id}/approve-paid",
            headers=collector(**{"Idempotency-Key": "approve-resolves"}),
        )

        assert response.status_code == 201
        assert await cases.open_case_for_client(session, customer.id) is None
        assert await client_status(session, customer.id) == "active"

    async def test_the_evaluation_resolves_an_open_case_with_nothing_overdue_left(self, session: AsyncSession) -> None:
        customer = await create_client(session, status="delinquent")
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=9), status="paid", paid_amount="120.00")
        stale = CollectionCase(client_id=customer.id, status="in_progress", opened_on=TODAY, evaluated_on=TODAY)
        session.add(stale)
        await session.flush()

        summary = await cases.evaluate_collections(session, TODAY)

        assert (await cases.get_case(session, stale.id)).status == "resolved"
        assert await client_status(session, customer.id) == "active"
        assert summary.cases_resolved >= 1
        assert summary.clients_cleared >= 1

    async def test_a_new_overdue_invoice_after_resolution_opens_a_new_case(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=10))
        await evaluate(client, TODAY - timedelta(days=5))
        first = (await open_case(session, customer.id)).id
        await pay(client, customer.id, "120.00")
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=1))

        await evaluate(client, TODAY)

        second = await open_case(session, customer.id)
        assert second.id != first
        assert (second.total_overdue, second.days_past_due) == (Decimal("120.00"), 1)


class TestDunningPolicy:
    async def test_each_action_fires_once_when_its_day_comes(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        due = TODAY - timedelta(days=31)
        await create_invoice(session, customer, due_date=due)

        await evaluate(client, due + timedelta(days=2))
        case_id = (await open_case(session, customer.id)).id
        assert await policy_actions(session, case_id) == []

        await evaluate(client, due + timedelta(days=3))
        await evaluate(client, due + timedelta(days=3))
        await evaluate(client, due + timedelta(days=14))
        assert await policy_actions(session, case_id) == ["reminder_sms"]

        await evaluate(client, due + timedelta(days=15))
        await evaluate(client, due + timedelta(days=29))
        assert await policy_actions(session, case_id) == ["reminder_sms", "warning_letter"]

        await evaluate(client, due + timedelta(days=30))
        again = await evaluate(client, due + timedelta(days=30))
        assert await policy_actions(session, case_id) == ["reminder_sms", "warning_letter", "suspension_notice"]
        assert again["actions_created"] == 0

        sent = [
            (await events(session, f"collection_action.{kind}", case_id))
            for kind in ("reminder_sms", "warning_letter", "suspension_notice")
        ]
        assert [len(found) for found in sent] == [1, 1, 1]
        assert sent[0][0].payload["origin"] == "dunning_policy"
        assert sent[2][0].payload["days_past_due"] == 30
        reminders = await session.scalar(
            select(func.count()).where(AuditRecord.action == "reminder.sent", AuditRecord.entity_id == str(case_id))
        )
        assert reminders == 3

    async def test_a_case_found_late_gets_every_due_action_once(self, session: AsyncSession) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=40))

        first = await cases.evaluate_collections(session, TODAY)
        second = await cases.evaluate_collections(session, TODAY)

        case = await open_case(session, customer.id)
        assert sorted(await policy_actions(session, case.id)) == ["reminder_sms", "suspension_notice", "warning_letter"]
        assert first.actions_created >= 3
        assert second.actions_created == 0

    async def test_the_policy_comes_from_settings(self, session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(get_settings(), "dunning_policy", {"reminder_email": 1, "call": 7})
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=2))

        await cases.evaluate_collections(session, TODAY)

        assert await policy_actions(session, (await open_case(session, customer.id)).id) == ["reminder_email"]

    def test_an_unknown_action_in_the_policy_is_refused_at_start_up(self) -> None:
        with pytest.raises(ValidationError, match="unknown dunning actions"):
            Settings(dunning_policy={"fax": 3})
        with pytest.raises(ValidationError, match="at least 1"):
            Settings(dunning_policy={"reminder_sms": 0})

    def test_the_policy_is_read_from_mtf_dunning_policy(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("MTF_DUNNING_POLICY", '{"reminder_sms": 5}')

        assert Settings().dunning_policy == {"reminder_sms": 5}

    async def test_a_kept_promise_to_pay_pauses_the_policy_until_the_promised_date(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=1))
        await evaluate(client, TODAY)
        case_id = (await open_case(session, customer.id)).id
        promised = TODAY + timedelta(days=10)
        response = await client.put(
            f"{CASES}/{case_id}/status",
            json={"status": "promise_to_pay", "promised_date": promised.isoformat(), "promised_amount": "120.00"},
            headers=collector(),
        )
        assert response.status_code == 200, response.text

        # A promise is for a day to come, which the API does not evaluate yet: the service is run for it.
        await cases.evaluate_collections(session, promised)
        assert await policy_actions(session, case_id) == []

        await cases.evaluate_collections(session, promised + timedelta(days=1))
        assert await policy_actions(session, case_id) == ["reminder_sms"]


class TestCaseLifecycle:
    async def _case(self, http: httpx.AsyncClient, session: AsyncSession) -> uuid.UUID:
        customer = await create_client(session)
        await create_invoice(session, customer, total="500.00", due_date=TODAY - timedelta(days=1))
        await evaluate(http, TODAY)
        case_id = (await open_case(session, customer.id)).id
        await session.commit()
        return case_id

    async def _move(self, http: httpx.AsyncClient, case_id: uuid.UUID, **body: Any) -> httpx.Response:
        return await http.put(f"{CASES}/{case_id}/status", json=body, headers=collector())

    async def test_an_agent_moves_a_case_along_the_allowed_transitions(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case(client, session)
        promised = (TODAY + timedelta(days=7)).isoformat()

        steps = [
            {"status": "in_progress", "note": "Client reached by phone"},
            {"status": "promise_to_pay", "promised_date": promised, "promised_amount": "250.00"},
            {"status": "in_progress", "note": "Promise broken"},
            {"status": "written_off", "note": "Uncollectable"},
        ]
        answers = [await self._move(client, case_id, **step) for step in steps]

        assert [a.status_code for a in answers] == [200, 200, 200, 200]
        assert (answers[1].json()["promised_date"], answers[1].json()["promised_amount"]) == (promised, "250.00")
        assert answers[2].json()["promised_amount"] is None
        assert (answers[3].json()["status"], answers[3].json()["closed_on"]) == ("written_off", TODAY.isoformat())
        changes = await events(session, "collection_case.status_changed", case_id)
        assert [(e.payload["from_status"], e.payload["to_status"]) for e in changes] == [
            ("open", "in_progress"),
            ("in_progress", "promise_to_pay"),
            ("promise_to_pay", "in_progress"),
            ("in_progress", "written_off"),
        ]
        assert changes[0].payload["actor"] == "agent.karim"
        assert changes[1].payload["promised_amount"] == "250.00"
        audits = await session.scalar(
            select(func.count()).where(
                AuditRecord.action == "case.status_changed", AuditRecord.entity_id == str(case_id)
            )
        )
        assert audits == 4

    @pytest.mark.parametrize(
        ("path", "target"),
        [
            (["written_off"], "in_progress"),
            (["written_off"], "resolved"),
            (["in_progress"], "in_progress"),
        ],
    )
    async def test_transitions_outside_the_lifecycle_are_refused(
        self, client: httpx.AsyncClient, session: AsyncSession, path: list[str], target: str
    ) -> None:
        case_id = await self._case(client, session)
        for status in path:
            assert (await self._move(client, case_id, status=status)).status_code == 200

        response = await self._move(client, case_id, status=target)

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_transition"
        assert (await cases.get_case(session, case_id)).status == path[-1]

    # The lifecycle table of docs/collections.md, written out independently of cases.TRANSITIONS.
    ALLOWED = frozenset(
        {
            ("open", "in_progress"),
            ("open", "promise_to_pay"),
            ("open", "resolved"),
            ("open", "written_off"),
            ("in_progress", "promise_to_pay"),
            ("in_progress", "resolved"),
            ("in_progress", "written_off"),
            ("promise_to_pay", "in_progress"),
            ("promise_to_pay", "resolved"),
            ("promise_to_pay", "written_off"),
        }
    )

    @pytest.mark.parametrize("current", ["open", "in_progress", "promise_to_pay", "resolved", "written_off"])
    async def test_every_transition_follows_the_lifecycle_table(
        self, client: httpx.AsyncClient, session: AsyncSession, current: str
    ) -> None:
        promise = {"promised_date": (TODAY + timedelta(days=3)).isoformat(), "promised_amount": "10.00"}
        for target in ("in_progress", "promise_to_pay", "resolved", "written_off"):
            # A client with nothing overdue, so that `resolved` is only decided by the table.
            customer = await create_client(session)
            case = CollectionCase(
                client_id=customer.id,
                status=current,
                opened_on=TODAY,
                evaluated_on=TODAY,
                closed_on=TODAY if current in ("resolved", "written_off") else None,
                promised_date=TODAY if current == "promise_to_pay" else None,
                promised_amount=Decimal("10.00") if current == "promise_to_pay" else None,
            )
            session.add(case)
            await session.commit()
            case_id = case.id

            response = await self._move(
                client, case_id, status=target, **(promise if target == "promise_to_pay" else {})
            )

            if (current, target) in self.ALLOWED:
                assert response.status_code == 200, (current, target, response.text)
                assert (await cases.get_case(session, case_id)).status == target
            else:
                assert response.status_code == 409, (current, target, response.text)
                assert response.json()["error"]["code"] == "invalid_transition"
                assert (await cases.get_case(session, case_id)).status == current

    async def test_a_case_cannot_be_put_back_to_open(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        case_id = await self._case(client, session)

        response = await self._move(client, case_id, status="open")

        assert response.status_code == 422

    async def test_a_promise_to_pay_needs_its_date_and_amount(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case(client, session)

        missing = await self._move(client, case_id, status="promise_to_pay")
        past = await self._move(
            client,
            case_id,
            status="promise_to_pay",
            promised_date=(TODAY - timedelta(days=1)).isoformat(),
            promised_amount="10.00",
        )
        stray = await self._move(client, case_id, status="in_progress", promised_amount="10.00")

        assert missing.status_code == 422
        assert {tuple(d["loc"]) for d in missing.json()["error"]["details"]} == {
            ("body", "promised_date"),
            ("body", "promised_amount"),
        }
        assert (past.status_code, past.json()["error"]["details"][0]["loc"]) == (422, ["body", "promised_date"])
        assert (stray.status_code, stray.json()["error"]["details"][0]["loc"]) == (422, ["body", "promised_amount"])
        assert (await cases.get_case(session, case_id)).status == "open"

    async def test_resolving_by_hand_is_refused_while_invoices_are_overdue(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case(client, session)

        response = await self._move(client, case_id, status="resolved")

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "case_has_overdue_balance"

    async def test_written_off_invoices_leave_collections_but_new_debt_opens_a_new_case(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case(client, session)
        client_id = (await cases.get_case(session, case_id)).client_id
        assert (await self._move(client, case_id, status="written_off")).status_code == 200

        await evaluate(client, TODAY)
        assert await cases.open_case_for_client(session, client_id) is None
        assert await client_status(session, client_id) == "delinquent"

        customer = await session.get_one(Client, client_id)
        await create_invoice(session, customer, total="80.00", due_date=TODAY - timedelta(days=2))
        await evaluate(client, TODAY)

        new_case = await open_case(session, client_id)
        assert (new_case.total_overdue, new_case.overdue_invoice_count) == (Decimal("80.00"), 1)

    async def test_unknown_case_is_not_found(self, client: httpx.AsyncClient) -> None:
        response = await client.put(
            f"{CASES}/{uuid.uuid4()}/status", json={"status": "in_progress"}, headers=collector()
        )

        assert response.status_code == 404


class TestCaseActions:
    async def _case_id(self, http: httpx.AsyncClient, session: AsyncSession) -> uuid.UUID:
        customer = await create_client(session)
        await create_invoice(session, customer, due_date=TODAY - timedelta(days=4))
        await evaluate(http, TODAY)
        case_id = (await open_case(session, customer.id)).id
        await session.commit()
        return case_id

    async def test_an_agent_logs_an_action_with_note_and_actor_and_it_reaches_the_outbox(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case_id(client, session)

        response = await client.post(
            f"{CASES}/{case_id}/actions",
            json={"action_type": "call", "note": "Will pay Friday"},
            headers=collector(),
        )

        assert response.status_code == 201, response.text
        action = response.json()
        assert (action["action_type"], action["origin"], action["note"], action["actor"]) == (
            "call",
            "manual",
            "Will pay Friday",
            "agent.karim",
        )
        assert action["days_past_due"] == 4
        published = await events(session, "collection_action.call", case_id)
        assert [e.payload["note"] for e in published] == ["Will pay Friday"]
        logged = await session.scalar(
            select(func.count()).where(AuditRecord.action == "call.logged", AuditRecord.entity_id == str(case_id))
        )
        assert logged == 1

    async def test_manual_reminders_are_audited_as_sent_and_may_repeat(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case_id(client, session)

        for _ in range(2):
            response = await client.post(
                f"{CASES}/{case_id}/actions", json={"action_type": "reminder_email"}, headers=collector()
            )
            assert response.status_code == 201

        assert len(await events(session, "collection_action.reminder_email", case_id)) == 2

    async def test_actions_list_oldest_first_with_the_policys_own(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case_id(client, session)
        await client.post(f"{CASES}/{case_id}/actions", json={"action_type": "warning_letter"}, headers=collector())

        response = await client.get(f"{CASES}/{case_id}/actions", headers=auth_headers("auditor"))

        assert response.status_code == 200
        page = response.json()
        assert [(a["action_type"], a["origin"]) for a in page["items"]] == [
            ("reminder_sms", "dunning_policy"),
            ("warning_letter", "manual"),
        ]
        assert page["total"] == 2

    async def test_a_closed_case_takes_no_more_actions(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        case_id = await self._case_id(client, session)
        await client.put(f"{CASES}/{case_id}/status", json={"status": "written_off"}, headers=collector())

        response = await client.post(f"{CASES}/{case_id}/actions", json={"action_type": "call"}, headers=collector())

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "case_closed"

    async def test_an_unknown_action_type_is_a_validation_error(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case_id(client, session)

        response = await client.post(f"{CASES}/{case_id}/actions", json={"action_type": "fax"}, headers=collector())

        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "action_type"]

    async def test_a_note_with_a_nul_character_is_a_validation_error_and_nothing_is_written(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        case_id = await self._case_id(client, session)

        action = await client.post(
            f"{CASES}/{case_id}/actions", json={"action_type": "call", "note": "a\u0000b"}, headers=collector()
        )
        move = await client.put(
            f"{CASES}/{case_id}/status", json={"status": "in_progress", "note": "a\u0000b"}, headers=collector()
        )

        assert [(r.status_code, r.json()["error"]["details"][0]["loc"]) for r in (action, move)] == [
            (422, ["body", "note"]),
            (422, ["body", "note"]),
        ]
        assert (await cases.get_case(session, case_id)).status == "open"
        manual = await session.scalar(
            select(func.count()).where(CollectionAction.case_id == case_id, CollectionAction.origin == "manual")
        )
        assert manual == 0


class TestEvaluationOnDemand:
    async def test_a_day_still_to_come_is_refused_and_nothing_changes(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, due_date=TODAY)
        client_id = customer.id

        response = await client.post(
            EVALUATIONS, json={"as_of": (TODAY + timedelta(days=1)).isoformat()}, headers=collector()
        )

        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["body", "as_of"]
        assert (await reload(session, invoice)).status == "issued"
        assert await cases.open_case_for_client(session, client_id) is None
        assert await client_status(session, client_id) == "active"

    async def test_a_past_day_can_be_evaluated_again(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        customer = await create_client(session)
        due = TODAY - timedelta(days=20)
        await create_invoice(session, customer, due_date=due)

        summary = await evaluate(client, due + timedelta(days=4))

        assert summary["as_of"] == (due + timedelta(days=4)).isoformat()
        assert (await open_case(session, customer.id)).days_past_due == 4


class TestClientDeletion:
    """A client with invoice, payment or collection-case history answers 409 client_delete_blocked."""

    async def _delete(self, http: httpx.AsyncClient, client_id: uuid.UUID) -> list[str]:
        response = await http.delete(f"/api/v1/clients/{client_id}", headers=auth_headers("admin"))
        assert response.status_code == 409, response.text
        error = response.json()["error"]
        assert error["code"] == "client_delete_blocked"
        return sorted(detail["type"] for detail in error["details"])

    async def test_each_kind_of_history_blocks_the_delete_and_is_named(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        invoiced = await create_client(session)
        await create_invoice(session, invoiced, due_date=TODAY + timedelta(days=10))
        paying = await create_client(session)
        await create_invoice(session, paying, due_date=TODAY + timedelta(days=10))
        await pay(client, paying.id, "10.00")
        pursued = await create_client(session)
        session.add(CollectionCase(client_id=pursued.id, status="open", opened_on=TODAY, evaluated_on=TODAY))
        await session.commit()
        invoiced_id, paying_id, pursued_id = invoiced.id, paying.id, pursued.id

        assert await self._delete(client, invoiced_id) == ["invoice"]
        assert await self._delete(client, paying_id) == ["invoice", "payment"]
        assert await self._delete(client, pursued_id) == ["collection_case"]
        assert await client_status(session, pursued_id) == "active"


class TestCasesRead:
    async def test_cases_filter_by_status_aging_bucket_and_client(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        recent = await create_client(session)
        old = await create_client(session)
        await create_invoice(session, recent, due_date=TODAY - timedelta(days=5))
        await create_invoice(session, old, due_date=TODAY - timedelta(days=70))
        await evaluate(client, TODAY)
        old_case = await open_case(session, old.id)
        await client.put(f"{CASES}/{old_case.id}/status", json={"status": "in_progress"}, headers=collector())

        async def client_ids(**params: str) -> set[str]:
            response = await client.get(CASES, params=params, headers=auth_headers("billing"))
            assert response.status_code == 200, response.text
            return {item["client_id"] for item in response.json()["items"]}

        mine = {str(recent.id), str(old.id)}
        assert await client_ids(aging_bucket="61-90") & mine == {str(old.id)}
        assert await client_ids(aging_bucket="0-30") & mine == {str(recent.id)}
        assert await client_ids(status="in_progress") & mine == {str(old.id)}
        assert await client_ids(status="open") & mine == {str(recent.id)}
        assert await client_ids(client_id=str(recent.id)) == {str(recent.id)}
        page = (await client.get(CASES, params={"client_id": str(old.id)}, headers=collector())).json()
        assert page["total"] == 1
        assert page["items"][0]["aging_bucket"] == "61-90"
        assert page["items"][0]["total_overdue"] == "120.00"

    async def test_an_unknown_case_is_not_found(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(f"{CASES}/{uuid.uuid4()}", headers=collector())).status_code == 404

    async def test_an_unknown_aging_bucket_is_a_validation_error(self, client: httpx.AsyncClient) -> None:
        response = await client.get(CASES, params={"aging_bucket": "120+"}, headers=collector())

        assert response.status_code == 422


class TestRoles:
    @pytest.mark.parametrize("role", ["operator", "billing", "auditor"])
    async def test_only_collections_and_admin_work_cases_and_run_evaluations(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str
    ) -> None:
        customer = await create_client(session)
        case = CollectionCase(client_id=customer.id, status="open", opened_on=TODAY, evaluated_on=TODAY)
        session.add(case)
        await session.commit()
        case_id = case.id
        headers = auth_headers(role)

        answers = [
            await client.post(EVALUATIONS, json={}, headers=headers),
            await client.put(f"{CASES}/{case_id}/status", json={"status": "in_progress"}, headers=headers),
            await client.post(f"{CASES}/{case_id}/actions", json={"action_type": "call"}, headers=headers),
        ]

        assert [a.status_code for a in answers] == [403, 403, 403]
        assert (await cases.get_case(session, case_id)).status == "open"

    async def test_operators_do_not_read_collections(self, client: httpx.AsyncClient) -> None:
        headers = auth_headers("operator")
        for path in (CASES, "/api/v1/collections/overview"):
            assert (await client.get(path, headers=headers)).status_code == 403

    async def test_admin_runs_an_evaluation_for_today_by_default(self, client: httpx.AsyncClient) -> None:
        response = await client.post(EVALUATIONS, headers=auth_headers("admin"))

        assert response.status_code == 200
        assert response.json()["as_of"] == TODAY.isoformat()


class TestEvaluationLock:
    async def test_a_second_evaluation_while_one_runs_is_refused(
        self, session: AsyncSession, engine: AsyncEngine
    ) -> None:
        async with engine.connect() as other:
            await other.execute(
                text("SELECT pg_advisory_lock(:ns, hashtext(:key))"),
                {"ns": int(LockNamespace.MAINTENANCE), "key": "collections-evaluation"},
            )
            try:
                with pytest.raises(EvaluationInProgress):
                    await cases.evaluate_collections(session, TODAY)
            finally:
                await other.execute(
                    text("SELECT pg_advisory_unlock(:ns, hashtext(:key))"),
                    {"ns": int(LockNamespace.MAINTENANCE), "key": "collections-evaluation"},
                )


class TestCaseOfACreditedInvoice:
    async def test_case_detail_shows_an_invoice_a_credit_note_cancelled(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        """Regression: the case detail's invoice status listed every status but `credited` (its own copy of
        billing's list), so a case whose invoice a credit note cancelled answered 500 instead of its detail."""
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="240.00", due_date=TODAY - timedelta(days=40))
        await evaluate(client, TODAY)
        case_id = (await open_case(session, customer.id)).id
        # What a whole-invoice credit note leaves (billing's own tests cover issuing it).
        await session.execute(
            text(
                "UPDATE invoices SET status = 'credited', credited_amount = total, credit_applied = total "
                "WHERE id = :id"
            ),
            {"id": invoice.id},
        )
        await session.commit()

        response = await client.get(f"/api/v1/collections/cases/{case_id}", headers=auth_headers("collections"))

        assert response.status_code == 200, response.text
        linked = [row for row in response.json()["invoices"] if row["invoice_id"] == str(invoice.id)]
        assert [(row["status"], row["outstanding_amount"]) for row in linked] == [("credited", "0.00")]


class TestCaseListNamesTheClient:
    async def test_each_case_carries_its_clients_name_in_the_list_and_the_detail(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        people = [
            await create_client(session, first_name=first, last_name="Bennani") for first in ("Amal", "Driss", "Hind")
        ]
        for person in people:
            await create_invoice(session, person, total="150.00", due_date=TODAY - timedelta(days=35))
        await evaluate(client, TODAY)

        listed = await client.get(
            "/api/v1/collections/cases", params={"limit": "200"}, headers=auth_headers("collections")
        )

        assert listed.status_code == 200, listed.text
        names = {row["client_id"]: row["client_name"] for row in listed.json()["items"]}
        assert [names[str(person.id)] for person in people] == ["Amal Bennani", "Driss Bennani", "Hind Bennani"]
        case_id = (await open_case(session, people[0].id)).id
        detail = await client.get(f"/api/v1/collections/cases/{case_id}", headers=auth_headers("collections"))
        assert detail.json()["client_name"] == "Amal Bennani"
