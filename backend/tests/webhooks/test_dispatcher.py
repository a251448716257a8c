"""The outbox reaches registered webhook endpoints: signed (Standard Webhooks), at least once, with back-off,
dead-lettered, redeliverable, visible through the API. The receiver is a real HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.collections import outbox
from app.config import get_settings
from app.db import database
from app.webhooks import service
from app.webhooks.models import WebhookDelivery
from tests.fixtures.auth import auth_headers

ADMIN = auth_headers("admin")
# The test's port block is 8200-8299: each xdist worker gets its own port.
PORT_BASE = 8210


class Receiver:
    """An HTTP server answering the statuses it is told to, in order, and keeping every request."""

    def __init__(self, port: int) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = f"answer {status}".encode()
                self.send_response(status)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/hooks/mtf"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(worker_id: str) -> Iterator[Receiver]:
    index = int(worker_id[2:]) if worker_id.startswith("gw") else 9
    with Receiver(PORT_BASE + index) as running:
        yield running


@pytest.fixture
def few_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "webhook_max_attempts", 3)
    monkeypatch.setattr(settings, "webhook_retry_base_seconds", 60)


async def _register(live_client: httpx.AsyncClient, url: str, event_types: list[str]) -> dict[str, Any]:
    response = await live_client.post(
        "/api/v1/webhooks/endpoints", json={"url": url, "event_types": event_types}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _publish(event_type: str, payload: dict[str, Any]) -> str:
    async with database.sessionmaker() as session, session.begin():
        event = await outbox.publish(session, event_type, payload)
    return str(event.id)


async def _make_due_now() -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))


async def _deliveries(live_client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await live_client.get("/api/v1/webhooks/deliveries", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


class TestDelivery:
    async def test_an_event_reaches_the_endpoint_signed_per_standard_webhooks(
        self, live_client: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        endpoint = await _register(live_client, receiver.url, ["payment.recorded"])
        assert endpoint["secret"].startswith("whsec_")
        event_id = await _publish("payment.recorded", {"amount": "150.00", "client_id": "c-1"})
        await _publish("collection_case.opened", {"case": "not subscribed"})

        summary = await service.dispatch()

        assert (summary.fanned_out, summary.attempted, summary.delivered) == (1, 1, 1)
        assert len(receiver.requests) == 1
        request = receiver.requests[0]
        assert request["path"] == "/hooks/mtf"
        headers = {name.lower(): value for name, value in request["headers"].items()}
        assert headers["webhook-id"] == event_id
        assert headers["webhook-signature"].startswith("v1,")
        # The receiver's own check, with the reference library: signature, id and timestamp hold.
        body = Webhook(endpoint["secret"]).verify(request["body"], headers)
        assert body["type"] == "payment.recorded"
        assert body["data"] == {"amount": "150.00", "client_id": "c-1"}
        with pytest.raises(WebhookVerificationError):
            Webhook("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY").verify(request["body"], headers)

        [delivery] = await _deliveries(live_client)
        assert delivery["status"] == "delivered"
        assert delivery["attempts"] == 1
        assert delivery["last_status_code"] == 200
        assert delivery["last_response"] == "answer 200"
        # A second round finds nothing new: the event was handed over once.
        assert await service.dispatch() == service.DispatchSummary(0, 0, 0)

    async def test_failures_back_off_exponentially_then_dead_letter_and_redelivery_succeeds(
        self, live_client: httpx.AsyncClient, receiver: Receiver, few_attempts: None
    ) -> None:
        endpoint = await _register(live_client, receiver.url, ["collection_action.*"])
        await _publish("collection_action.reminder_sms", {"case_id": "k-1"})
        receiver.statuses = [500, 503, 502]

        started = datetime.now(UTC)
        await service.dispatch()
        [first] = await _deliveries(live_client)
        assert (first["status"], first["attempts"], first["last_status_code"]) == ("pending", 1, 500)
        # base 60 s after the first failure
        wait = datetime.fromisoformat(first["next_attempt_at"]) - started
        assert timedelta(seconds=59) <= wait <= timedelta(seconds=75)
        assert (await service.dispatch()).attempted == 0, "not due yet"

        await _make_due_now()
        started = datetime.now(UTC)
        await service.dispatch()
        [second] = await _deliveries(live_client)
        assert (second["status"], second["attempts"], second["last_status_code"]) == ("pending", 2, 503)
        # 2 x 60 s after the second failure
        wait = datetime.fromisoformat(second["next_attempt_at"]) - started
        assert timedelta(seconds=119) <= wait <= timedelta(seconds=135)

        await _make_due_now()
        await service.dispatch()
        [dead] = await _deliveries(live_client, status="dead")
        assert (dead["attempts"], dead["last_status_code"], dead["last_response"]) == (3, 502, "answer 502")
        assert len(receiver.requests) == 3
        assert len({request["headers"]["webhook-id"] for request in receiver.requests}) == 1, "same id on retries"

        response = await live_client.post(f"/api/v1/webhooks/deliveries/{dead['id']}/redeliver", headers=ADMIN)
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)
        assert (await service.dispatch()).delivered == 1
        [delivered] = await _deliveries(live_client, endpoint_id=endpoint["id"])
        assert (delivered["status"], delivered["attempts"], delivered["last_status_code"]) == ("delivered", 1, 200)
        audit = await live_client.get(
            "/api/v1/audit-events", params={"action": "webhook_delivery.redelivered"}, headers=ADMIN
        )
        assert audit.json()["total"] == 1

    async def test_an_unreachable_endpoint_records_why_and_retries(
        self, live_client: httpx.AsyncClient, worker_id: str
    ) -> None:
        # Nothing listens on this port of the block.
        await _register(live_client, "http://127.0.0.1:8299/nobody", ["payment.recorded"])
        await _publish("payment.recorded", {"amount": "1.00"})
        await service.dispatch()
        [delivery] = await _deliveries(live_client)
        assert delivery["status"] == "pending"
        assert delivery["last_status_code"] is None
        assert delivery["last_error"].startswith("ConnectError")

    async def test_a_paused_endpoint_gets_nothing_until_resumed(
        self, live_client: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        endpoint = await _register(live_client, receiver.url, ["payment.recorded"])
        await _publish("payment.recorded", {"amount": "2.00"})
        await service.dispatch()
        receiver.requests.clear()
        paused = await live_client.patch(
            f"/api/v1/webhooks/endpoints/{endpoint['id']}", json={"is_active": False}, headers=ADMIN
        )
        assert paused.json()["is_active"] is False
        await _publish("payment.recorded", {"amount": "3.00"})
        assert (await service.dispatch()).fanned_out == 0
        assert receiver.requests == []


class TestEndpointsApi:
    async def test_the_secret_is_shown_once_and_never_listed(self, live_client: httpx.AsyncClient) -> None:
        secret = "whsec_" + "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0"
        created = await live_client.post(
            "/api/v1/webhooks/endpoints",
            json={"url": "https://sms.example.ma/hooks", "event_types": ["payment.recorded"], "secret": secret},
            headers=ADMIN,
        )
        assert created.json()["secret"] == secret
        listed = await live_client.get("/api/v1/webhooks/endpoints", headers=ADMIN)
        assert "secret" not in listed.json()["items"][0]
        assert secret not in listed.text

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("url", "ftp://sms.example.ma/hooks"),
            ("event_types", []),
            ("event_types", ["Payment Recorded"]),
            ("secret", "not-a-whsec"),
            ("secret", "whsec_c2hvcnQ="),
        ],
    )
    async def test_invalid_registrations_are_refused_naming_the_field(
        self, live_client: httpx.AsyncClient, field: str, value: Any
    ) -> None:
        body = {"url": "https://sms.example.ma/hooks", "event_types": ["payment.recorded"], field: value}
        response = await live_client.post("/api/v1/webhooks/endpoints", json=body, headers=ADMIN)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"][:2] == ["body", field]

    async def test_only_admins_register_endpoints(self, live_client: httpx.AsyncClient) -> None:
        response = await live_client.post(
            "/api/v1/webhooks/endpoints",
            json={"url": "https://x.example.ma/h", "event_types": ["payment.recorded"]},
            headers=auth_headers("collections"),
        )
        assert response.status_code == 403
        assert json.loads(response.text)["error"]["code"] == "forbidden"

    async def test_an_unknown_delivery_cannot_be_redelivered(self, live_client: httpx.AsyncClient) -> None:
        response = await live_client.post(
            "/api/v1/webhooks/deliveries/00000000-0000-0000-0000-000000000000/redeliver", headers=ADMIN
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
