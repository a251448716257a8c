"""Idempotency storms on committed data: 50 concurrent identical requests on each critical write give one
effect (every answer a 201, the same one replayed, or 409 idempotency_key_in_progress), and 50 racing
payments with different keys on one invoice never overpay it. No 5xx anywhere. Run alone: `pytest -m storm`."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.billing.models import BillingRun, Invoice
from app.collections.models import Payment
from app.contracts.models import Contract
from app.db import database
from tests.fixtures.auth import auth_headers
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client, create_offer
from tests.fixtures.landing_factories import LANDING, landing_cin, new_subscription, start_in

pytestmark = [pytest.mark.storm, pytest.mark.concurrency]
STORM = 50
TODAY = datetime.now(UTC).date()


async def storm(
    http: httpx.AsyncClient, path: str, body: dict[str, Any] | None, headers: dict[str, str]
) -> list[httpx.Response]:
    return list(await asyncio.gather(*[http.post(path, json=body, headers=headers) for _ in range(STORM)]))


def assert_one_effect(responses: list[httpx.Response], success: int = 201) -> None:
    assert all(r.status_code < 500 for r in responses), [r.text for r in responses if r.status_code >= 500]
    created = [r for r in responses if r.status_code == success]
    others = [r for r in responses if r.status_code != success]
    assert created, [r.text for r in responses[:3]]
    assert {r.json()["error"]["code"] for r in others} <= {"idempotency_key_in_progress"}, [r.text for r in others]
    # The first answer and every replay are the same answer (as JSON: the stored copy is JSONB).
    assert all(r.json() == created[0].json() for r in created)
    assert sum(1 for r in created if r.headers.get("idempotent-replayed") != "true") == 1


async def scalar(statement: Any) -> Any:
    async with database.sessionmaker() as session:
        return await session.scalar(statement)


async def test_provisioning_storm_makes_one_contract(live_client: httpx.AsyncClient) -> None:
    async with database.sessionmaker() as session:
        customer = await create_client(session)
        offer = await create_offer(session, "mobile")
        await session.commit()
        client_id, offer_id = customer.id, offer.id
    body = {"client_id": str(client_id), "offer_id": str(offer_id), "contract_start_date": TODAY.isoformat()}
    responses = await storm(
        live_client, "/api/v1/contracts", body, auth_headers("operator", **{"Idempotency-Key": "storm-provision"})
    )
    assert_one_effect(responses)
    assert await scalar(select(func.count()).select_from(Contract).where(Contract.client_id == client_id)) == 1


async def test_billing_run_storm_makes_one_run(live_client: httpx.AsyncClient) -> None:
    body = {"period_start": "2026-01-01", "period_end": "2026-01-31", "dry_run": True}
    responses = await storm(
        live_client, "/api/v1/billing/runs", body, auth_headers("billing", **{"Idempotency-Key": "storm-run"})
    )
    assert_one_effect(responses, success=202)
    count = await scalar(
        select(func.count()).select_from(BillingRun).where(BillingRun.period_start == datetime(2026, 1, 1).date())
    )
    assert count == 1


async def test_payment_storm_records_one_payment(live_client: httpx.AsyncClient) -> None:
    async with database.sessionmaker() as session:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=10))
        await session.commit()
        client_id, invoice_id = customer.id, invoice.id
    body = {"client_id": str(client_id), "amount": "40.00", "method": "cash"}
    responses = await storm(
        live_client,
        "/api/v1/collections/payments",
        body,
        auth_headers("collections", **{"Idempotency-Key": "storm-payment"}),
    )
    assert_one_effect(responses)
    assert await scalar(select(func.count()).select_from(Payment).where(Payment.client_id == client_id)) == 1
    assert await scalar(select(Invoice.paid_amount).where(Invoice.id == invoice_id)) == Decimal("40.00")


async def test_approve_paid_storm_settles_once(live_client: httpx.AsyncClient) -> None:
    async with database.sessionmaker() as session:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=10))
        await session.commit()
        client_id, invoice_id = customer.id, invoice.id
    responses = await storm(
        live_client,
        f"/api/v1/collections/invoices/{invoice_id}/approve-paid",
        None,
        auth_headers("collections", **{"Idempotency-Key": "storm-approve"}),
    )
    assert_one_effect(responses)
    assert await scalar(select(func.count()).select_from(Payment).where(Payment.client_id == client_id)) == 1
    assert await scalar(select(Invoice.paid_amount).where(Invoice.id == invoice_id)) == Decimal("100.00")


async def test_landing_submit_storms_make_one_contract_each(
    live_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import get_settings

    for name in ("landing_rate_limit", "landing_submit_rate_limit", "landing_verify_cin_rate_limit"):
        monkeypatch.setattr(get_settings(), name, "100000/minute")
    monkeypatch.setattr(get_settings(), "landing_verify_cin_min_seconds", 0.0)
    async with database.sessionmaker() as session:
        offer = await create_offer(session, "mobile")
        upgrade = await create_offer(session, "mobile", monthly_fee=Decimal("299.00"))
        await session.commit()
        offer_id, upgrade_id = offer.id, upgrade.id
    cin = landing_cin()
    new = await storm(
        live_client, f"{LANDING}/submit/new", new_subscription(offer_id, cin=cin), {"Idempotency-Key": "storm-new"}
    )
    assert_one_effect(new)
    contract_id = new[0].json()["contract"]["contract_id"] if new[0].status_code == 201 else None
    contract_id = contract_id or next(r for r in new if r.status_code == 201).json()["contract"]["contract_id"]
    token = (await live_client.post(f"{LANDING}/clients/verify-cin", json={"cin": cin})).json()["lookup_token"]
    body = {
        "cin": cin,
        "lookup_token": token,
        "contract_id": contract_id,
        "offer_id": str(upgrade_id),
        "contract_start_date": start_in(10).isoformat(),
    }
    change = await storm(live_client, f"{LANDING}/submit/plan-change", body, {"Idempotency-Key": "storm-change"})
    assert_one_effect(change)
    count = await scalar(select(func.count()).select_from(Contract).where(Contract.offer_id == upgrade_id))
    assert count == 1


async def test_fifty_racing_payments_with_different_keys_never_overpay(live_client: httpx.AsyncClient) -> None:
    async with database.sessionmaker() as session:
        customer = await create_client(session)
        invoice = await create_invoice(session, customer, total="100.00", due_date=TODAY + timedelta(days=10))
        await session.commit()
        client_id, invoice_id = customer.id, invoice.id
    body = {
        "client_id": str(client_id),
        "amount": "30.00",
        "method": "mobile_money",
        "allocations": [{"invoice_id": str(invoice_id), "amount": "30.00"}],
    }
    responses = await asyncio.gather(
        *[
            live_client.post(
                "/api/v1/collections/payments",
                json=body,
                headers=auth_headers("collections", **{"Idempotency-Key": f"racer-{uuid.uuid4().hex}"}),
            )
            for _ in range(STORM)
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    # 3 x 30.00 fit in 100.00 (90.00); the other 47 are refused as overpayment.
    assert statuses == [201] * 3 + [422] * 47, statuses
    assert await scalar(select(Invoice.paid_amount).where(Invoice.id == invoice_id)) == Decimal("90.00")
