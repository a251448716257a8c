"""Body limits against a real uvicorn server (the ASGI test transport does not stream): a declared
Content-Length above 2 MiB and a chunked body without any length are both refused with 413 in the envelope,
before authentication, without the process reading (or holding) the rest. Also: forged X-Forwarded-For
headers do not move the address the rate limits count. Run alone: `pytest -m body_limits`."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures.database import create_database_from, drop_database
from tests.suites.conftest import LiveServer, start_server, stop_server, worker_port

pytestmark = pytest.mark.body_limits
MIB = 1024 * 1024


def _raw_request(server: LiveServer, head: bytes, body_chunks: Iterator[bytes]) -> tuple[bytes, int]:
    """Send `head` then the chunks until the server answers; the answer and the body bytes sent."""
    parts = urlsplit(server.base_url)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head)
        for chunk in body_chunks:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except OSError:
                break
            sent += len(chunk)
        answer = b""
        sock.settimeout(30)
        try:
            while b"\r\n\r\n" not in answer or len(answer) < answer.index(b"\r\n\r\n") + 20:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except OSError:
            pass
    return answer, sent


def _chunked(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    payload = b" " * size
    for _ in range(total // size):
        yield f"{size:x}\r\n".encode() + payload + b"\r\n"
    yield b"0\r\n\r\n"


def _status_and_body(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    start = body.find(b"{")
    end = body.rfind(b"}")
    return status, json.loads(body[start : end + 1])


@pytest.mark.parametrize("path", ["/api/v1/landing/drafts", "/api/v1/clients", "/api/v1/auth/token"])
def test_a_chunked_body_of_300_mb_is_413_after_about_2_mib_and_memory_stays_flat(
    live_server: LiveServer, path: str
) -> None:
    before = live_server.rss_bytes()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer, sent = _raw_request(live_server, head, _chunked(300 * MIB))
    elapsed = time.monotonic() - started
    status, body = _status_and_body(answer)
    assert status == 413, answer[:500]
    assert body["error"]["code"] == "payload_too_large"  # type: ignore[index]
    # The server stopped reading soon after the limit: far less than 300 MB crossed the socket.
    assert sent < 64 * MIB, sent
    assert live_server.rss_bytes() - before < 64 * MIB
    assert elapsed < 60


def test_a_declared_length_above_the_limit_is_413_without_reading(live_server: LiveServer) -> None:
    head = (
        "POST /api/v1/landing/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {300 * MIB}\r\n\r\n"
    ).encode()
    answer, sent = _raw_request(live_server, head, iter([b" " * (64 * 1024)] * 4800))
    status, body = _status_and_body(answer)
    assert status == 413
    assert body["error"]["code"] == "payload_too_large"  # type: ignore[index]
    assert sent < 64 * MIB


def test_a_body_just_under_the_limit_is_read_and_answered(live_server: LiveServer) -> None:
    body = b'{"answers": {}}' + b" " * (2 * MIB - 32)
    response = httpx.post(
        f"{live_server.base_url}/api/v1/landing/drafts",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 201, response.text


def test_forged_forwarded_headers_do_not_escape_the_password_guessing_limit(
    admin_url: str, template_database: str, worker_id: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 by default; `mtf serve` trusts nobody unless told."""
    name = "mtf_test_fwd_" + worker_id
    drop_database(admin_url, name)
    url = create_database_from(admin_url, name, template_database)
    log = tmp_path_factory.mktemp("forwarded") / "server.log"
    server = start_server(
        worker_port(worker_id, offset=1),
        url,
        log,
        MTF_AUTH_TOKEN_RATE_LIMIT="30/hour",  # an hour: a loaded machine may take over a minute for 40 hashes
        MTF_AUTH_FAILED_LOGIN_PER_ACCOUNT_RATE_LIMIT="1000/minute",
    )
    try:
        statuses = []
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            for n in range(40):
                response = http.post(
                    "/api/v1/auth/token",
                    data={"username": f"guess-{n}", "password": "nope"},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"},
                )
                statuses.append(response.status_code)
        assert statuses.count(429) == 10, statuses
        assert set(statuses[:30]) == {401}
    finally:
        stop_server(server)
        drop_database(admin_url, name)
