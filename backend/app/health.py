"""Liveness, readiness (database reachable and migrations at head) and Prometheus metrics."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from app import jobs
from app.auth.deps import AdminOrAuditorDep
from app.db import database
from app.errors import AppError, error_responses
from app.kit import ops_metrics

router = APIRouter(tags=["health"])


class NotReady(AppError):
    """The database is unreachable or its migrations are behind the code."""

    status_code = 503
    code = "not_ready"
    message = "The database is unreachable or not migrated."
    action = "Send no traffic to this instance until it is ready; run `mtf migrate` if migrations are behind."


BACKEND_DIR = Path(__file__).resolve().parents[1]


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(BACKEND_DIR / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def migration_head() -> str | None:
    """The head revision of the migration scripts shipped with this code.

    Read once per process: loading the script directory imports every migration module (about 20 ms), and
    the scripts of a running process cannot change. A deployment that brings new scripts restarts it."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@router.get("/health/live", operation_id="health-live", summary="The process is up")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/health/ready",
    operation_id="health-ready",
    summary="The database is reachable and migrated to head (and the in-process worker runs, where there is one)",
    responses=error_responses(NotReady),
)
async def ready() -> JSONResponse:
    head = migration_head()
    try:
        async with database.engine.connect() as conn:
            current = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:
        return NotReady().response()
    if current != head:
        return NotReady(f"Migrations are at {current}, head is {head}.").response()
    answer: dict[str, Any] = {"status": "ok", "database": "ok", "migration": current}
    if jobs.worker_state.expected:
        answer["worker"] = jobs.worker_state.report()
        if not jobs.worker_state.running:
            return NotReady("The in-process worker is restarting.").response()
    return JSONResponse(answer)


@router.get(
    "/metrics",
    operation_id="metrics",
    summary="Prometheus metrics (admin, auditor)",
    description=(
        "Only /health/*, the token endpoint, the OpenAPI document and the landing API are public, so a "
        "scraper authenticates like any partner system: a service account with the auditor role and "
        "the client_credentials grant (Prometheus `oauth2` with `token_url: /api/v1/auth/token`)."
    ),
    response_class=PlainTextResponse,
)
async def metrics(_: AdminOrAuditorDep) -> Response:
    await ops_metrics.refresh(database.engine)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
