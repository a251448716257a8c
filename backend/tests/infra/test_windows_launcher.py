"""The Windows launchers cannot run on the Linux CI, so they are read: each step the shell launcher takes is
there, every command that can fail is checked at run time, and nothing but the launcher's own recorded
processes is ever stopped (spec 11.1)."""

from __future__ import annotations

import re

import pytest

from app.config import REPO_ROOT

LAUNCH = (REPO_ROOT / "launch_all.bat").read_text(encoding="utf-8")
STOP = (REPO_ROOT / "stop_all.bat").read_text(encoding="utf-8")


def _lines(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip() and not line.strip().lower().startswith("rem")]


@pytest.mark.parametrize(
    "step",
    [
        "sync --frozen",  # locked backend dependencies
        "pip check",  # dependency check
        "ci --no-audit",  # npm ci
        "ls --depth=0",  # npm dependency check
        "db url",  # the database: DATABASE_URL, the spec's local server or the embedded one
        'mtf.exe" migrate',
        "'serve'",
        'set "PORT=8010"',  # 8000 busy: 8010
        "VITE_API_BASE_URL='!BASE!'",  # the frontend follows the API's port
        "/health/ready",
        "/api/v1/openapi.json",
        "/api/v1/auth/token",  # an authenticated read
        "Authorization: Bearer !TOKEN!",
        "http://127.0.0.1:5173/",
        "Access-Control-Request-Headers: authorization,idempotency-key,x-correlation-id",
        "backend.pid",
        "frontend.pid",
        "app.demo",
        "lint-imports.exe",
        "format:check",
        "check:api",
    ],
)
def test_the_windows_launcher_takes_every_step_of_the_shell_one(step: str) -> None:
    assert step in LAUNCH


@pytest.mark.parametrize("script", [LAUNCH, STOP], ids=["launch_all.bat", "stop_all.bat"])
def test_exit_codes_are_read_at_run_time(script: str) -> None:
    # %ERRORLEVEL% is expanded when a parenthesised block is parsed, before its commands ran: a check inside
    # a block would read a stale value. `if errorlevel 1` (and !errorlevel!) are evaluated when they run.
    assert not re.search(r"%errorlevel%", script, re.IGNORECASE)
    assert "EnableDelayedExpansion" in script


def test_every_command_that_can_fail_is_checked() -> None:
    lines = _lines(LAUNCH)
    checked = ('mtf.exe" migrate', 'mtf.exe" db url', "sync --frozen", "pip check", "npm --prefix")
    for index, line in enumerate(lines):
        if any(command in line for command in checked):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            assert "||" in line or following.lower().startswith("if errorlevel 1"), line


def test_nothing_but_recorded_processes_is_stopped() -> None:
    # No process is killed because it listens on a port: only the ids the launcher recorded in .run\*.pid.
    for script in (LAUNCH, STOP):
        for line in _lines(script):
            if "taskkill" in line.lower():
                assert "!PID!" in line, line
    assert "netstat" not in STOP
    assert 'stop_all.bat" --keep-database' in LAUNCH
    assert 'mtf.exe" db stop' in STOP


def test_windows_scripts_are_checked_out_with_crlf() -> None:
    # cmd.exe misreads labels (goto, call :label) in files with bare LF line endings.
    attributes = (REPO_ROOT / ".gitattributes").read_text(encoding="utf-8")
    assert "*.bat text eol=crlf" in attributes
