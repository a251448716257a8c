"""Locust users for benchmarks/api_load.py (started by it: `locust --headless -f` this file).

BENCH_DATA names the JSON file of ids and the token the benchmark wrote, BENCH_PHASE the route (or `mix`,
`floor`, `payments`) and BENCH_OUT where the response times of every request are written at the end.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from typing import Any

from locust import FastHttpUser, events, task

DATA: dict[str, Any] = json.loads(open(os.environ["BENCH_DATA"], encoding="utf-8").read())  # noqa: SIM115
PHASE = os.environ["BENCH_PHASE"]
STAFF = {"Authorization": f"Bearer {DATA['token']}"}
_samples: dict[str, list[float]] = {}
_failures: dict[str, int] = {}
_refused: dict[str, int] = {}
_window: list[float] = []
_writer_slots = itertools.count()


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    now = time.monotonic()
    if not _window:
        _window.extend([now, now])
    _window[1] = now
    if exception is not None:
        _failures[name] = _failures.get(name, 0) + 1
    else:
        _samples.setdefault(name, []).append(response_time)


@events.test_stop.add_listener
def _dump(**_: Any) -> None:
    seconds = _window[1] - _window[0] if _window else 0.0
    with open(os.environ["BENCH_OUT"], "w", encoding="utf-8") as out:
        json.dump({"samples": _samples, "failures": _failures, "refused": _refused, "seconds": seconds}, out)


def _client() -> dict[str, str]:
    return random.choice(DATA["clients"])  # type: ignore[no-any-return]


def _get(user: FastHttpUser, path: str, name: str, headers: dict[str, str] | None = None) -> Any:
    with user.client.get(path, headers=headers or STAFF, name=name, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
            return None
        return response.json()


def client_search(user: FastHttpUser) -> None:
    _get(user, f"/api/v1/clients?q={_client()['last_name']}&limit=20", "client search")


def client_detail(user: FastHttpUser) -> None:
    _get(user, f"/api/v1/clients/{_client()['id']}", "client detail")


def invoice_list(user: FastHttpUser) -> None:
    _get(user, f"/api/v1/invoices?client_id={_client()['id']}&limit=20", "invoice list by client")


def invoice_detail(user: FastHttpUser) -> None:
    _get(user, f"/api/v1/invoices/{random.choice(DATA['invoices'])}", "invoice detail")


def contract_list(user: FastHttpUser) -> None:
    _get(user, f"/api/v1/contracts?client_id={_client()['id']}&limit=20", "contract list by client")


def landing(user: FastHttpUser) -> None:
    cin = _client()["cin"]
    with user.client.post(
        "/api/v1/landing/clients/verify-cin", json={"cin": cin}, name="landing verify-cin", catch_response=True
    ) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
            return
        token = response.json()["lookup_token"]
    _get(user, f"/api/v1/landing/clients/{cin}/invoices?lookup_token={token}", "landing invoice list", headers={})


def floor(user: FastHttpUser) -> None:
    _get(user, f"/bench/floor/{_client()['id']}", "floor (one primary-key select)", headers={})


READS = {
    "client search": (client_search, 2),
    "client detail": (client_detail, 4),
    "invoice list by client": (invoice_list, 3),
    "invoice detail": (invoice_detail, 3),
    "contract list by client": (contract_list, 2),
    "landing": (landing, 1),
}


class ApiUser(FastHttpUser):
    # Closed loop, no think time: the figures are what the server sustains, not what a user would ask.
    def on_start(self) -> None:
        if PHASE == "payments":
            # Every writer pays its own client: concurrency across clients, no queueing on one client's lock.
            self.payer = DATA["payers"][next(_writer_slots) % len(DATA["payers"])]

    @task
    def one_request(self) -> None:
        if PHASE == "floor":
            floor(self)
        elif PHASE == "payments":
            self.pay()
        elif PHASE == "mix":
            names = list(READS)
            action = random.choices([READS[n][0] for n in names], weights=[READS[n][1] for n in names])[0]
            action(self)
        else:
            READS[PHASE][0](self)

    def pay(self) -> None:
        body = {"client_id": self.payer, "amount": DATA["payment_amount"], "method": "bank_transfer"}
        headers = {**STAFF, "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(
            "/api/v1/collections/payments", json=body, headers=headers, name="payment", catch_response=True
        ) as response:
            if response.status_code == 201:
                return
            if response.status_code == 409 and response.json()["error"]["code"] == "overpayment":
                # The guard refusing a payment above what is owed is the expected answer, not a failure.
                _refused["payment"] = _refused.get("payment", 0) + 1
                response.success()
                return
            response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
