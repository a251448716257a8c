"""Regression tests for the fifteen holes of issue 9 (each failed on main before its fix).

The permanent suites that found them live next to this file (schemathesis, authorisation matrix, storms,
outage, body limits, hostile strings); these are the precise, fast checks of each fix."""

from __future__ import annotations

import io
import logging
import re
import uuid
from decimal import Decimal
from typing import ClassVar

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.service import hash_password
from app.collections.models import OutboxEvent
from app.config import InsecureConfigurationError, Settings, get_settings
from app.contracts.models import Contract
from app.kit.masking import mask_text
from tests.fixtures.auth import auth_headers
from tests.fixtures.customers_factories import client_payload
from tests.fixtures.factories import create_client, create_offer
from tests.fixtures.landing_factories import (
    LANDING,
    bill_period,
    idem,
    landing_cin,
    new_subscription,
    next_month,
    subscribe,
    verify_cin,
)

pytestmark = pytest.mark.hardening
CLIENTS = "/api/v1/clients"
OPERATOR = auth_headers("operator")


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


class TestItem1BodyLimitCountsReceivedBytes:
    async def test_a_chunked_body_without_length_above_the_limit_is_413_before_authentication(
        self, client: httpx.AsyncClient
    ) -> None:
        sent = {"chunks": 0}

        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(40):  # 40 x 128 KiB = 5 MiB, no Content-Length
                sent["chunks"] += 1
                yield b" " * (128 * 1024)

        response = await client.post(
            f"{LANDING}/drafts", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413, response.text
        assert error_code(response) == "payload_too_large"
        # Refused as soon as the limit (2 MiB = 16 chunks) was passed, not after reading everything.
        assert sent["chunks"] <= 18

    async def test_a_staff_route_refuses_the_oversized_body_before_the_token_is_looked_at(
        self, client: httpx.AsyncClient
    ) -> None:
        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(20):
                yield b"x" * (128 * 1024)

        response = await client.post(CLIENTS, content=chunks(), headers={"Content-Type": "application/json"})
        assert response.status_code == 413


class TestItem2LandingCinLimitAndNotice:
    async def test_a_second_line_for_one_cin_on_one_day_is_429_landing_cin_limit(
        self, client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "landing_max_lines_per_cin_per_day", 1)
        await create_client(session, cin="HX100001", first_name="Yasmine", last_name="Benali")
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        first = await client.post(
            f"{LANDING}/submit/new", json=new_subscription(offer_id, cin="HX100001"), headers=idem()
        )
        assert first.status_code == 201, first.text
        for _ in range(3):
            again = await client.post(
                f"{LANDING}/submit/new", json=new_subscription(offer_id, cin="HX100001"), headers=idem()
            )
            assert again.status_code == 429, again.text
            assert error_code(again) == "landing_cin_limit"
            assert int(again.headers["Retry-After"]) >= 1
        count = await session.scalar(select(func.count()).select_from(Contract).where(Contract.offer_id == offer_id))
        assert count == 1

    async def test_a_line_added_to_an_existing_client_tells_the_contact_on_file(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        existing = await create_client(
            session, cin="HX100002", first_name="Yasmine", last_name="Benali", email="owner@example.ma"
        )
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        response = await client.post(
            f"{LANDING}/submit/new", json=new_subscription(offer_id, cin="HX100002"), headers=idem()
        )
        assert response.status_code == 201, response.text
        events = list(await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "landing.line_added")))
        mine = [e for e in events if e.payload["client_id"] == str(existing.id)]
        assert len(mine) == 1
        assert mine[0].payload["email"] == "owner@example.ma"
        assert mine[0].payload["contract_number"] == response.json()["contract"]["contract_number"]

    async def test_under_the_otp_policy_a_code_is_needed_for_lookups_and_existing_client_submits(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        from app.landing.models import LandingOtpChallenge

        monkeypatch.setattr(get_settings(), "landing_verification", "otp")
        await create_client(session, cin="HX100003", first_name="Yasmine", last_name="Benali")
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        with caplog.at_level(logging.INFO, logger="app.landing.service"):
            verified = await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "HX100003"})
        assert verified.status_code == 200, verified.text
        assert verified.json()["verification"] == "otp"
        assert verified.json()["otp_channel"] == "sms"
        pending = verified.json()["lookup_token"]
        # The code went through the outbox to the phone on file; only its hash is stored.
        event = await session.scalar(
            select(OutboxEvent)
            .where(OutboxEvent.type == "landing.otp_requested")
            .order_by(OutboxEvent.created_at.desc())
        )
        assert event is not None
        code = event.payload["code"]
        assert re.fullmatch(r"\d{6}", code)
        challenge = await session.scalar(select(LandingOtpChallenge).order_by(LandingOtpChallenge.created_at.desc()))
        assert challenge is not None
        assert code not in challenge.code_hash
        assert any(code in record.getMessage() for record in caplog.records)  # the development mailbox

        subscriptions = f"{LANDING}/clients/HX100003/subscriptions"
        refused = await client.get(subscriptions, params={"lookup_token": pending})
        assert refused.status_code == 401
        assert error_code(refused) == "otp_required"
        submit = new_subscription(offer_id, cin="HX100003")
        assert error_code(await client.post(f"{LANDING}/submit/new", json=submit, headers=idem())) == (
            "subscription_refused"
        )

        wrong = "000000" if code != "000000" else "111111"
        bad = await client.post(
            f"{LANDING}/clients/verify-otp", json={"cin": "HX100003", "lookup_token": pending, "code": wrong}
        )
        assert bad.status_code == 401
        assert error_code(bad) == "invalid_otp"
        good = await client.post(
            f"{LANDING}/clients/verify-otp", json={"cin": "HX100003", "lookup_token": pending, "code": code}
        )
        assert good.status_code == 200, good.text
        token = good.json()["lookup_token"]
        assert (await client.get(subscriptions, params={"lookup_token": token})).status_code == 200
        accepted = await client.post(f"{LANDING}/submit/new", json={**submit, "lookup_token": token}, headers=idem())
        assert accepted.status_code == 201, accepted.text

    async def test_a_code_takes_five_tries_then_is_dead(
        self, client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "landing_verification", "otp")
        await create_client(session, cin="HX100004")
        await session.commit()
        pending = (await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "HX100004"})).json()["lookup_token"]
        event = await session.scalar(
            select(OutboxEvent)
            .where(OutboxEvent.type == "landing.otp_requested")
            .order_by(OutboxEvent.created_at.desc())
        )
        assert event is not None
        code = event.payload["code"]
        wrong = "000000" if code != "000000" else "111111"
        body = {"cin": "HX100004", "lookup_token": pending}
        for _ in range(5):
            assert (await client.post(f"{LANDING}/clients/verify-otp", json={**body, "code": wrong})).status_code == 401
        late = await client.post(f"{LANDING}/clients/verify-otp", json={**body, "code": code})
        assert late.status_code == 401
        assert error_code(late) == "invalid_otp"


class TestItem3PublicPdfsAreMasked:
    async def test_the_contract_pdf_of_a_landing_link_masks_cin_line_and_street(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        await session.commit()
        cin = landing_cin()
        answer = await subscribe(client, offer, cin=cin, address="7 rue des Orangers", city="Fes")
        contract = await session.get(Contract, uuid.UUID(answer["contract"]["contract_id"]))
        assert contract is not None
        line = await session.scalar(select(Contract.subscriber_id).where(Contract.id == contract.id))
        assert line is not None
        pdf = await client.get(answer["document"]["url"])
        assert pdf.status_code == 200
        text = pdf_text(pdf.content)
        assert answer["contract"]["contract_number"] in text
        assert cin not in text
        assert cin[:2] + "****" + cin[-2:] in text
        assert "Orangers" not in text
        assert "Fes" in text
        staff = await client.get(f"/api/v1/contracts/{contract.id}/document", headers=auth_headers("operator"))
        assert staff.status_code == 200, staff.text
        assert cin in pdf_text(staff.content)
        assert "Orangers" in pdf_text(staff.content)

    async def test_the_invoice_pdf_of_a_landing_link_masks_cin_line_and_street(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("100.00"), activation_fee=Decimal("0.00"))
        start, end = next_month()
        cin = landing_cin()
        answer = await subscribe(
            client, offer, cin=cin, address="7 rue des Orangers", city="Fes", contract_start_date=start.isoformat()
        )
        await bill_period(session, start, end)
        await session.commit()
        token = await verify_cin(client, cin)
        invoice = (await client.get(f"{LANDING}/clients/{cin}/invoices", params={"lookup_token": token})).json()[
            "items"
        ][0]
        pdf = await client.get(invoice["document"]["url"])
        assert pdf.status_code == 200, pdf.text
        text = pdf_text(pdf.content)
        assert invoice["invoice_number"] in text
        assert cin not in text
        assert "Orangers" not in text
        line_digits = re.sub(r"\D", "", answer["contract"]["masked_line_number"])[-2:]
        assert "*******" + line_digits in text.replace(" ", "")
        staff = await client.get(f"/api/v1/invoices/{invoice['invoice_id']}/pdf", headers=auth_headers("billing"))
        assert staff.status_code == 200, staff.text
        assert cin in pdf_text(staff.content)


class TestItem4DatabaseOutageIs503:
    async def test_an_operational_error_answers_503_database_unavailable_with_retry_after(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from app.customers import service as customers_service

        async def unreachable(*args: object, **kwargs: object) -> None:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

        monkeypatch.setattr(customers_service, "list_clients", unreachable)
        response = await client.get(CLIENTS, headers=OPERATOR)
        assert response.status_code == 503, response.text
        assert error_code(response) == "database_unavailable"
        assert int(response.headers["Retry-After"]) >= 1


class TestItem5WorkerIsSupervised:
    async def test_a_worker_that_stops_is_restarted_and_ready_reports_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import asyncio

        from app import jobs

        runs = {"count": 0}

        async def flaky_worker(**kwargs: object) -> None:
            runs["count"] += 1
            if runs["count"] < 3:
                raise OperationalError("LISTEN", {}, ConnectionRefusedError("down"))
            await asyncio.sleep(3600)

        async def no_op(*args: object, **kwargs: object) -> None:
            return None

        monkeypatch.setattr(jobs, "run_worker", flaky_worker)
        monkeypatch.setattr(jobs, "open_job_app", no_op)
        monkeypatch.setattr(jobs, "close_job_app", no_op)
        monkeypatch.setattr(jobs, "worker_state", jobs.WorkerState(expected=True))
        task = asyncio.create_task(jobs.supervise_worker("postgresql://unused", 1, backoff=(0.01,)))
        try:
            for _ in range(200):
                if runs["count"] >= 3:
                    break
                await asyncio.sleep(0.01)
            assert runs["count"] == 3
            assert jobs.worker_state.running
            assert jobs.worker_state.restarts == 2
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    async def test_a_new_outage_after_a_healthy_run_restarts_from_the_first_back_off_step(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Regression: the back-off step was never reset, so once one outage had reached the longest step,
        every later outage in the process's life waited that long before the worker came back."""
        import asyncio

        from app import jobs

        runs = {"count": 0}

        async def worker(**kwargs: object) -> None:
            runs["count"] += 1
            if runs["count"] == 2:
                await asyncio.sleep(0.2)  # a healthy run, then a new outage
            if runs["count"] < 3:
                raise OperationalError("LISTEN", {}, ConnectionRefusedError("down"))
            await asyncio.sleep(3600)

        async def no_op(*args: object, **kwargs: object) -> None:
            return None

        monkeypatch.setattr(jobs, "run_worker", worker)
        monkeypatch.setattr(jobs, "open_job_app", no_op)
        monkeypatch.setattr(jobs, "close_job_app", no_op)
        monkeypatch.setattr(jobs, "worker_state", jobs.WorkerState(expected=True))
        task = asyncio.create_task(
            jobs.supervise_worker("postgresql://unused", 1, backoff=(0.01, 30.0), healthy_after=0.1)
        )
        try:
            for _ in range(200):
                if runs["count"] >= 3:
                    break
                await asyncio.sleep(0.01)
            assert runs["count"] == 3, "the second outage waited the longest back-off step"
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    async def test_a_failed_close_does_not_leave_the_job_app_marked_open(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Regression: a close that raised left the job app marked open, so the supervisor's next
        open_job_app kept the dead connector and every restart of the worker failed on it."""
        from app import jobs

        async def broken_close() -> None:
            raise OSError("the pool's connections are gone")

        monkeypatch.setattr(jobs, "_open", True)
        monkeypatch.setattr(jobs.job_app, "close_async", broken_close)
        with pytest.raises(OSError, match="gone"):
            await jobs.close_job_app()
        assert jobs._open is False

    async def test_ready_is_503_while_an_expected_worker_is_down(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from app import jobs

        monkeypatch.setattr(jobs, "worker_state", jobs.WorkerState(expected=True, running=False, restarts=4))
        down = await client.get("/health/ready")
        assert down.status_code == 503
        monkeypatch.setattr(jobs, "worker_state", jobs.WorkerState(expected=True, running=True, restarts=4))
        up = await client.get("/health/ready")
        assert up.status_code == 200
        assert up.json()["worker"] == {"status": "running", "restarts": 4}


class TestItem6LoneSurrogates:
    @pytest.mark.parametrize(
        ("path", "field", "body_of"),
        [
            (CLIENTS, "last_name", lambda: client_payload(last_name="Al\ud800ami")),
            (f"{LANDING}/drafts", "answers", lambda: {"answers": {"first_name": "Ya\udc00smine"}}),
        ],
    )
    async def test_a_lone_surrogate_is_422_naming_the_field(
        self, client: httpx.AsyncClient, path: str, field: str, body_of: object
    ) -> None:
        import json

        body = json.dumps(body_of()).encode()  # type: ignore[operator]
        response = await client.post(path, content=body, headers={**OPERATOR, "Content-Type": "application/json"})
        assert response.status_code == 422, response.text
        detail = response.json()["error"]["details"][0]
        assert detail["type"] == "string_surrogate"
        assert field in detail["loc"]

    async def test_the_public_subscribe_route_refuses_it_too(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        import json

        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        body = json.dumps(new_subscription(offer_id, city="F\udfffes")).encode()
        response = await client.post(
            f"{LANDING}/submit/new", content=body, headers={**idem(), "Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["loc"] == ["body", "city"]


class TestItem7StaffTokensAreRevoked:
    async def _login(self, client: httpx.AsyncClient, username: str, password: str) -> str:
        response = await client.post(
            "/api/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    @pytest.mark.parametrize(
        "change",
        [{"is_active": False}, {"roles": ["auditor"]}, {"password": "a brand new password"}],
        ids=["deactivated", "demoted", "new-password"],
    )
    async def test_a_change_to_the_user_ends_its_existing_tokens_at_once(
        self, client: httpx.AsyncClient, session: AsyncSession, change: dict[str, object]
    ) -> None:
        user = User(
            username=f"revoked-{uuid.uuid4().hex[:8]}",
            kind="staff",
            password_hash=hash_password("long enough password"),
            roles=["operator"],
            is_active=True,
        )
        session.add(user)
        await session.commit()
        token = await self._login(client, user.username, "long enough password")
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await client.get(CLIENTS, headers=bearer)).status_code == 200
        patched = await client.patch(f"/api/v1/auth/users/{user.id}", json=change, headers=auth_headers("admin"))
        assert patched.status_code == 200, patched.text
        after = await client.get("/api/v1/auth/me", headers=bearer)
        assert after.status_code == 401
        assert error_code(after) == "not_authenticated"

    async def test_a_name_change_keeps_the_tokens(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        user = User(
            username=f"kept-{uuid.uuid4().hex[:8]}",
            kind="staff",
            password_hash=hash_password("long enough password"),
            roles=["operator"],
            is_active=True,
        )
        session.add(user)
        await session.commit()
        token = await self._login(client, user.username, "long enough password")
        patched = await client.patch(
            f"/api/v1/auth/users/{user.id}", json={"full_name": "Nadia"}, headers=auth_headers("admin")
        )
        assert patched.status_code == 200
        assert (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200


class TestItem8ForwardedHeadersAndLockouts:
    def test_serve_trusts_forwarded_headers_only_from_configured_proxies(self) -> None:
        from app.cli import proxy_options

        assert Settings().forwarded_allow_ips == ""
        assert proxy_options("") == {"proxy_headers": False, "forwarded_allow_ips": ""}
        assert proxy_options("10.0.0.5, 10.1.0.0/16") == {
            "proxy_headers": True,
            "forwarded_allow_ips": "10.0.0.5, 10.1.0.0/16",
        }

    async def test_failed_logins_on_one_account_are_limited_whatever_the_address(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "auth_token_rate_limit", "1000/minute")
        monkeypatch.setattr(get_settings(), "auth_failed_login_per_account_rate_limit", "3 per 15 minutes")
        statuses = []
        for n in range(5):
            response = await client.post(
                "/api/v1/auth/token",
                data={"username": "admin", "password": f"guess-{n}"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            statuses.append(response.status_code)
        assert statuses == [401, 401, 401, 429, 429]
        # Another account behind the same address is not locked out.
        other = await client.post("/api/v1/auth/token", data={"username": "someone-else", "password": "x"})
        assert other.status_code == 401


class TestItem9VerifyCinDoesNotTellKnownFromUnknown:
    async def test_known_and_unknown_cins_get_the_same_shape_and_length_class(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_client(session, cin="HX200001", email="nadia@gmail.com", phone="+212661234522")
        await session.commit()
        known = await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "HX200001"})
        unknown = await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "HX200002"})
        assert known.json()["masked_email"] is not None
        assert unknown.json()["masked_email"] is not None
        assert unknown.json()["masked_phone"] is not None
        assert abs(len(known.content) - len(unknown.content)) <= 8
        # Asked again, the placeholders do not change (a changing value would give the unknown CIN away).
        again = await client.post(f"{LANDING}/clients/verify-cin", json={"cin": "HX200002"})
        assert again.json()["masked_email"] == unknown.json()["masked_email"]

    async def test_an_identity_mismatch_answers_like_a_terminated_client(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_client(session, cin="HX200003", first_name="Yasmine", last_name="Benali")
        await create_client(session, cin="HX200004", first_name="Yasmine", last_name="Benali", status="terminated")
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        mismatch = await client.post(
            f"{LANDING}/submit/new", json=new_subscription(offer_id, cin="HX200003", first_name="Karim"), headers=idem()
        )
        terminated = await client.post(
            f"{LANDING}/submit/new", json=new_subscription(offer_id, cin="HX200004"), headers=idem()
        )
        assert mismatch.status_code == terminated.status_code == 409
        strip = lambda r: {k: v for k, v in r.json()["error"].items() if k != "correlation_id"}  # noqa: E731
        assert strip(mismatch) == strip(terminated)
        assert error_code(mismatch) == "subscription_refused"


class TestItem10SecurityHeaders:
    @pytest.mark.parametrize("path", ["/health/live", "/api/v1/nope", f"{LANDING}/bootstrap", "/api/v1/openapi.json"])
    async def test_every_answer_carries_them(self, client: httpx.AsyncClient, path: str) -> None:
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"

    async def test_personal_data_and_tokens_are_not_stored_and_html_cannot_be_framed(
        self, client: httpx.AsyncClient
    ) -> None:
        verify = await client.post(f"{LANDING}/clients/verify-cin", json={"cin": landing_cin()})
        assert verify.headers["cache-control"] == "no-store"
        staff = await client.get(CLIENTS, headers=OPERATOR)
        assert staff.headers["cache-control"] == "no-store"
        docs = await client.get("/api/v1/docs")
        assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"


class TestItem11OpenApiHonesty:
    CRITICAL: ClassVar[set[tuple[str, str]]] = {
        ("/api/v1/contracts", "post"),
        ("/api/v1/billing/runs", "post"),
        ("/api/v1/collections/payments", "post"),
        ("/api/v1/collections/invoices/{invoice_id}/approve-paid", "post"),
        (f"{LANDING}/submit/new", "post"),
        (f"{LANDING}/submit/plan-change", "post"),
    }

    def test_the_critical_writes_require_the_idempotency_key(self, app: object) -> None:
        schema = app.openapi()  # type: ignore[attr-defined]
        for path, method in self.CRITICAL:
            [header] = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == "Idempotency-Key"]
            assert header["required"] is True, path

    def test_each_operation_names_the_roles_it_accepts(self, app: object) -> None:
        schema = app.openapi()  # type: ignore[attr-defined]
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                assert re.search(r"(Roles: |Public: )", operation.get("description", "")), (method, path)
        assert "Roles: admin, operator." in schema["paths"]["/api/v1/contracts"]["post"]["description"]

    async def test_a_body_that_is_not_utf8_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            CLIENTS, content=b'{"last_name": "\xff\xfe"}', headers={**OPERATOR, "Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["type"] == "json_not_utf8"

    async def test_a_405_lists_every_allowed_method(self, client: httpx.AsyncClient) -> None:
        response = await client.delete(CLIENTS, headers=OPERATOR)
        assert response.status_code == 405
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}

    @pytest.mark.parametrize("body", [b"{not json", b'{"last_name": 1}'])
    async def test_a_bad_body_without_a_token_is_401(self, client: httpx.AsyncClient, body: bytes) -> None:
        response = await client.post(CLIENTS, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 401, response.text


class TestItem12StrictTypes:
    async def test_an_integer_is_not_a_billing_period_date(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/v1/billing/runs",
            json={"period_start": 0, "period_end": "2026-01-31"},
            headers=auth_headers("billing", **idem()),
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["loc"] == ["body", "period_start"]

    async def test_zero_and_one_are_not_booleans(self, client: httpx.AsyncClient) -> None:
        body = await client.post(
            "/api/v1/billing/runs",
            json={"period_start": "2026-01-01", "period_end": "2026-01-31", "dry_run": 1},
            headers=auth_headers("billing", **idem()),
        )
        assert body.status_code == 422, body.text
        query = await client.get("/api/v1/billing/runs", params={"dry_run": "1"}, headers=auth_headers("billing"))
        assert query.status_code == 422, query.text
        assert (
            await client.get("/api/v1/billing/runs", params={"dry_run": "true"}, headers=auth_headers("billing"))
        ).status_code == 200

    async def test_a_query_date_must_be_written_as_a_date(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/invoices", params={"period_start": "0"}, headers=auth_headers("billing"))
        assert response.status_code == 422, response.text


class TestItem13MaskingKeepsIds:
    def test_uuids_and_numbers_are_not_masked_but_standing_cins_are(self) -> None:
        ident = "ab123456-0c1d-4e2f-8a9b-0123456789ab"
        assert mask_text(f"contract {ident} done") == f"contract {ident} done"
        assert mask_text("file FA2026.pdf") == "file FA2026.pdf"
        assert mask_text("CIN AB123456 refused") == "CIN AB****56 refused"
        assert mask_text("(cin=AB123456)") == "(cin=AB****56)"


class TestItem14BootstrapPassword:
    def test_outside_local_a_short_bootstrap_password_is_refused(self) -> None:
        secrets = {
            "jwt_secret": "j" * 40,
            "landing_token_secret": "l" * 40,
            "database_url": "postgresql://db/x",
        }
        with pytest.raises(InsecureConfigurationError, match="MTF_BOOTSTRAP_ADMIN_PASSWORD"):
            Settings(environment="production", bootstrap_admin_password="short-pass", **secrets)  # type: ignore[arg-type]
        Settings(environment="production", bootstrap_admin_password="long enough pass", **secrets)  # type: ignore[arg-type]
        Settings(environment="local", bootstrap_admin_password="short")  # type: ignore[arg-type]


class TestItem15LandingIdempotencyIsScopedByCin:
    async def test_two_customers_choosing_the_same_key_both_subscribe(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile")
        offer_id = offer.id
        await session.commit()
        key = {"Idempotency-Key": "my-first-order"}
        first = await client.post(f"{LANDING}/submit/new", json=new_subscription(offer_id), headers=key)
        second = await client.post(f"{LANDING}/submit/new", json=new_subscription(offer_id), headers=key)
        assert first.status_code == second.status_code == 201, second.text
        assert first.json()["contract"]["contract_id"] != second.json()["contract"]["contract_id"]
        assert "idempotent-replayed" not in second.headers
