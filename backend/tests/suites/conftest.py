"""A real API server (uvicorn through `mtf serve`) on the test port block, for the suites that need real
sockets: schemathesis over HTTP, chunked bodies, forwarded headers, the database outage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fixtures.database import create_database_from, drop_database

BACKEND = Path(__file__).resolve().parents[2]
# Issue 9's port block is 8100-8199: 8150 + xdist worker number for the suites' servers.
BASE_PORT = 8150
GENEROUS_LIMITS = {
    "MTF_LANDING_RATE_LIMIT": "100000/minute",
    "MTF_LANDING_VERIFY_CIN_RATE_LIMIT": "100000/minute",
    "MTF_LANDING_VERIFY_CIN_PER_CIN_RATE_LIMIT": "100000/minute",
    "MTF_LANDING_SUBMIT_RATE_LIMIT": "100000/minute",
    "MTF_AUTH_TOKEN_RATE_LIMIT": "100000/minute",
    "MTF_AUTH_FAILED_LOGIN_PER_ACCOUNT_RATE_LIMIT": "100000/minute",
}


def worker_port(worker_id: str, offset: int = 0) -> int:
    number = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    return BASE_PORT + offset + number * 4


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    database_url: str
    log: Path

    def rss_bytes(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        [line] = [line for line in status.splitlines() if line.startswith("VmRSS:")]
        return int(line.split()[1]) * 1024


def start_server(port: int, database_url: str, log: Path, **env: str) -> LiveServer:
    environment = {
        **os.environ,
        "MTF_ENVIRONMENT": "test",
        "MTF_DATABASE_URL": database_url,
        "MTF_RUN_WORKER_IN_PROCESS": "false",
        "MTF_LOG_LEVEL": "WARNING",
        "MTF_LANDING_VERIFY_CIN_MIN_SECONDS": "0",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BACKEND,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", process, database_url, log)
    # Generous: a loaded CI machine can take long to import the app.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{server.base_url}/health/live", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"the API server did not start: {log.read_text()[-2000:]}")


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def live_server(
    admin_url: str, template_database: str, worker_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """An API server on its own committed database (cloned from the migrated template), generous budgets."""
    name = f"mtf_test_srv_{uuid.uuid4().hex[:12]}"
    url = create_database_from(admin_url, name, template_database)
    log = tmp_path_factory.mktemp("server") / "server.log"
    server = start_server(worker_port(worker_id), url, log, **GENEROUS_LIMITS)
    try:
        yield server
    finally:
        stop_server(server)
        drop_database(admin_url, name)
