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
from app.audit.router import router as audit_router
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
from app.errors import document_errors, install_exception_handlers
from app.frontend import install_frontend
from app.kit.logging import configure_logging, install_masking_filter
from app.kit.tracing import install_tracing
from app.landing.router import router as landing_router
from app.middleware import (
    REQUEST_STEPS,
    EnvelopeCORSMiddleware,
    api_routes,
    dependency_calls,
    route_needs_staff_token,
)
from app.reporting.router import router as reporting_router
from app.webhooks.router import router as webhooks_router
from app.wiring import wire

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
    wire()

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
        webhooks_router,
        audit_router,
        reporting_router,
    ):
        app.include_router(router)
    install_tracing(app)
    install_frontend(app, settings.frontend_dist)

    # Starlette runs the last added middleware first: the request steps are added innermost first, and
    # CORS last, outermost, so that browsers also see CORS headers on error answers (the 500 included).
    for step in reversed(REQUEST_STEPS):
        app.add_middleware(step)  # type: ignore[arg-type]
    app.add_middleware(
        EnvelopeCORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        # A page on another origin (the SPA's dev server, a partner's browser app) reads only what is listed:
        # a download's file name and digest included.
        expose_headers=[
            "X-Correlation-ID",
            "Idempotent-Replayed",
            "Retry-After",
            "Deprecation",
            "Link",
            "Content-Disposition",
            "X-Content-SHA256",
        ],
    )
    # After the middleware: codes they declare with @raises are answered by every operation.
    document_errors(app)
    _document_access(app)
    return app


def _accepted_roles(route: Any) -> frozenset[str] | None:
    """The roles the route's guard accepts; None when it takes no staff token."""
    for call in dependency_calls(route.dependant):
        roles = getattr(call, "accepted_roles", None)
        if roles is not None:
            return frozenset(roles)
    return None


def route_access(route: Any) -> str:
    """Who may call the route, in words (the OpenAPI description of each operation ends with it)."""
    roles = _accepted_roles(route)
    if roles is not None:
        return f"Roles: {', '.join(sorted(roles))}."
    if route_needs_staff_token(route):
        return "Roles: any valid staff token."
    return "Public: no staff token."


def _document_access(app: FastAPI) -> None:
    """Each operation's description names who may call it, and a critical write's Idempotency-Key is
    marked required (it is optional in Python only so that its absence answers 400 in the envelope)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if getattr(app, "_mtf_access_documented", False):
            return original()
        schema = original()
        access = {route.operation_id: route_access(route) for route in api_routes(app) if route.operation_id}
        _document_roles(app, schema)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                who = access.get(operation.get("operationId", ""))
                if who:
                    operation["description"] = f"{operation.get('description', '').rstrip()}\n\n{who}".lstrip()
                for parameter in operation.get("parameters", []):
                    if parameter.get("name") == "Idempotency-Key" and parameter.get("description", "").startswith(
                        "Required."
                    ):
                        parameter["required"] = True
                        parameter["schema"] = {"type": "string", "minLength": 1, "maxLength": 255}
        app._mtf_access_documented = True  # type: ignore[attr-defined]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _roles_of(dependant: Any) -> set[str]:
    roles: set[str] = set(getattr(dependant.call, "accepted_roles", ()))
    for sub in dependant.dependencies:
        roles |= _roles_of(sub)
    return roles


def _document_roles(app: FastAPI, schema: dict[str, Any]) -> None:
    """`x-roles` on every secured operation: the staff roles its guard accepts (found by operation id)."""
    by_id = {
        operation.get("operationId"): operation
        for path in schema.get("paths", {}).values()
        for operation in path.values()
    }
    for route in app.routes:
        # FastAPI keeps included routers as such; their effective routes carry the dependencies.
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for context in contexts:
            dependant = getattr(context, "dependant", None)
            operation = by_id.get(getattr(context, "operation_id", None))
            if dependant is None or operation is None:
                continue
            roles = _roles_of(dependant)
            if roles:
                operation["x-roles"] = sorted(roles)


def build_default_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    install_masking_filter()
    return create_app(settings)
