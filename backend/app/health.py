"""Liveness, readiness (database reachable and migrations at head) and Prometheus metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from app.auth.deps import require_roles
from app.db import database
from app.errors import envelope
from app.kit import ops_metrics
from app.kit.correlation import Actor

router = APIRouter(tags=["health"])
BACKEND_DIR = Path(__file__).resolve().parents[1]


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(BACKEND_DIR / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migration_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@router.get("/health/live", operation_id="health-live", summary="The process is up")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/health/ready",
    operation_id="health-ready",
    summary="The database is reachable and migrated to head",
    responses={503: {"description": "Not ready (database unreachable or migrations behind)."}},
)
async def ready() -> JSONResponse:
    head = migration_head()
    try:
        async with database.engine.connect() as conn:
            current = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:
        return envelope(503, "not_ready", "The database is unreachable or not migrated.")
    if current != head:
        return envelope(503, "not_ready", f"Migrations are at {current}, head is {head}.")
    return JSONResponse({"status": "ok", "database": "ok", "migration": current})


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
    responses={401: {"description": "not_authenticated"}, 403: {"description": "forbidden"}},
)
async def metrics(_: Annotated[Actor, Depends(require_roles(read=True))]) -> Response:
    await ops_metrics.refresh(database.engine)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
