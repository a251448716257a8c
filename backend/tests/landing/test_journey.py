"""The whole public journey, and what it leaves in the logs: no raw CIN, email or phone anywhere."""

from __future__ import annotations

import calendar
import io
import logging
import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service as billing_service
from tests.fixtures.auth import auth_headers
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, idem, next_month

CIN = "YB739155"
EMAIL = "yasmine.benali@gmail.com"
PHONE_INTAKE = "06 61 73 91 22"
RAW_VALUES = (CIN, CIN.lower(), EMAIL, PHONE_INTAKE, "0661739122", "+212661739122", "661739122")


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.extend(str(value) for value in vars(record).values() if isinstance(value, str))
    return "\n".join(parts)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class TestLandingJourney:
    async def test_subscribe_verify_change_plan_get_billed_and_download_the_invoice(
        self, client: httpx.AsyncClient, session: AsyncSession, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        starter = await create_offer(session, "mobile", monthly_fee=Decimal("100.00"), activation_fee=Decimal("0.00"))
        premium = await create_offer(session, "mobile", monthly_fee=Decimal("200.00"), activation_fee=Decimal("0.00"))
        await session.commit()
        month_start, month_end = next_month()
        change_on = month_start + timedelta(days=10)
        bodies: list[str] = []

        # 1. The wizard: bootstrap, a draft, then the subscription.
        bootstrap = await client.get(f"{LANDING}/bootstrap")
        assert str(starter.id) in bootstrap.text
        draft = await client.post(
            f"{LANDING}/drafts", json={"answers": {"cin": CIN, "email": EMAIL, "phone": PHONE_INTAKE}}
        )
        assert draft.status_code == 201, draft.text
        submitted = await client.post(
            f"{LANDING}/submit/new",
            json={
                "cin": CIN.lower(),
                "first_name": "Yasmine",
                "last_name": "Benali",
                "email": EMAIL,
                "phone": PHONE_INTAKE,
                "offer_id": str(starter.id),
                "contract_start_date": month_start.isoformat(),
                "terms_accepted": True,
                "draft_id": draft.json()["id"],
            },
            headers=idem(),
        )
        assert submitted.status_code == 201, submitted.text
        bodies.append(submitted.text)
        first_contract = submitted.json()["contract"]

        # 2. Back later: verify the CIN, see the subscription.
        verified = await client.post(f"{LANDING}/clients/verify-cin", json={"cin": CIN})
        assert verified.status_code == 200
        bodies.append(verified.text)
        assert verified.json()["masked_email"] == "y***@gmail.com"
        assert verified.json()["masked_phone"] == "+212 6** ** ** 22"
        token = verified.json()["lookup_token"]
        subscriptions = await client.get(f"{LANDING}/clients/{CIN}/subscriptions", params={"lookup_token": token})
        bodies.append(subscriptions.text)
        assert [item["contract_id"] for item in subscriptions.json()["items"]] == [first_contract["contract_id"]]

        # 3. Change plan from day 11 of the month.
        changed = await client.post(
            f"{LANDING}/submit/plan-change",
            json={
                "cin": CIN,
                "lookup_token": token,
                "contract_id": first_contract["contract_id"],
                "offer_id": str(premium.id),
                "contract_start_date": change_on.isoformat(),
            },
            headers=idem(),
        )
        assert changed.status_code == 201, changed.text
        bodies.append(changed.text)
        assert changed.json()["effective_date"] == change_on.isoformat()

        # A refusal on the way does not echo personal data either.
        refused = await client.get(f"{LANDING}/clients/{CIN}/invoices", params={"lookup_token": token + "x"})
        assert refused.status_code == 401
        bodies.append(refused.text)

        # 4. Staff bill the month.
        run = await client.post(
            "/api/v1/billing/runs",
            json={"period_start": month_start.isoformat(), "period_end": month_end.isoformat()},
            headers=auth_headers("billing", **idem()),
        )
        assert run.status_code == 202, run.text
        finished = await billing_service.run_billing_to_completion(session, uuid.UUID(run.json()["id"]))
        assert finished.status == "completed"

        # 5. The client lists the invoice: the plan change shows as two prorated months.
        invoices = await client.get(f"{LANDING}/clients/{CIN}/invoices", params={"lookup_token": token})
        assert invoices.status_code == 200, invoices.text
        bodies.append(invoices.text)
        assert invoices.json()["total"] == 1
        invoice = invoices.json()["items"][0]
        days = calendar.monthrange(month_start.year, month_start.month)[1]
        subtotal = _cents(Decimal("100.00") * 10 / days) + _cents(Decimal("200.00") * (days - 10) / days)
        total = subtotal + _cents(subtotal * Decimal("0.20"))
        assert invoice["subtotal"] == f"{subtotal:.2f}"
        assert invoice["total"] == f"{total:.2f}"

        # 6. ... and downloads its PDF through the signed link.
        pdf = await client.get(invoice["document"]["url"])
        assert pdf.status_code == 200, pdf.text
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert invoice["invoice_number"] in text
        assert f"{total:.2f}" in text.replace(" ", "").replace("\u202f", "")

        # Nothing personal reached a log line or an answer raw; the masked forms did reach the logs.
        logged = _everything_logged(caplog)
        for raw in RAW_VALUES:
            assert raw not in logged, raw
            for body in bodies:
                assert raw not in body, raw
        assert "YB****55" in logged
        assert "landing" in logged
