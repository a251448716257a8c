"""create_app(): settings, middleware order, routers, exception handlers and lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import inspect as sa_inspect

from app import health, jobs
from app.auth import service as auth_service
from app.auth.router import router as auth_router
from app.billing.router import router as billing_router
from app.catalog.router import router as catalog_router
from app.collections.router import router as collections_router
from app.config import Settings, get_settings
from app.contracts.router import router as contracts_router
from app.customers.router import router as customers_router
from app.db import database
from app.dbserver import resolve_database_url
from app.errors import install_exception_handlers
from app.kit.audit_router import router as audit_router
from app.kit.logging import configure_logging, install_masking_filter
from app.landing.router import router as landing_router
from app.middleware import EnvelopeCORSMiddleware, RequestContextMiddleware
from app.reporting.router import router as reporting_router

logger = logging.getLogger(__name__)
API_TITLE = "MT-Facturation API"
API_VERSION = "1.0.0"


async def _bootstrap(settings: Settings) -> None:
    async with database.engine.connect() as conn:
        has_users = await conn.run_sync(lambda c: sa_inspect(c).has_table("users"))
    if not has_users:
        logger.warning("schema not migrated: run `mtf migrate` (the launcher does); bootstrap admin skipped")
        return
    async with database.sessionmaker() as session, session.begin():
        if await auth_service.ensure_bootstrap_admin(session, settings):
            logger.info("bootstrap admin %s created", settings.bootstrap_admin_username)


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker: asyncio.Task[None] | None = None
        if manage_database:
            database.configure(resolve_database_url(settings), pool_size=settings.db_pool_size)
            await _bootstrap(settings)
            if settings.worker_in_process:
                worker = await jobs.start_worker_for(database.url or "", settings.worker_concurrency)
        try:
            yield
        finally:
            if worker is not None:
                await jobs.stop_worker(worker)
            if manage_database:
                await database.dispose()

    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        description=(
            "Billing and collections for a Moroccan telecom operator. Errors always use the envelope "
            "`{error: {code, message, details, correlation_id}}`; money is a string with two decimals."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    install_exception_handlers(app)
    for router in (
        health.router,
        auth_router,
        customers_router,
        catalog_router,
        contracts_router,
        billing_router,
        collections_router,
        landing_router,
        audit_router,
        reporting_router,
    ):
        app.include_router(router)
    _document_error_envelope(app)

    # Starlette runs the last added middleware first: CORS must be outermost so that browsers also see
    # CORS headers on error answers, including the 500 produced by RequestContextMiddleware.
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(
        EnvelopeCORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Correlation-ID", "Idempotent-Replayed", "Retry-After", "Deprecation", "Link"],
    )
    return app


_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "correlation_id"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
                "correlation_id": {"type": ["string", "null"]},
            },
        }
    },
}


def _document_error_envelope(app: FastAPI) -> None:
    """Every operation documents the envelope for its error answers."""
    original = app.openapi
    envelope_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = _ERROR_SCHEMA
        for schema_name in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(schema_name, None)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if operation.get("security"):
                    responses = operation.setdefault("responses", {})
                    responses.setdefault("401", {"description": "not_authenticated"})
                    responses.setdefault("403", {"description": "forbidden"})
                for status, response in operation.get("responses", {}).items():
                    if str(status).startswith(("4", "5")):
                        response["content"] = envelope_ref
                        if response.get("description") == "Validation Error":
                            response["description"] = "validation_error"
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def build_default_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    install_masking_filter()
    return create_app(settings)
