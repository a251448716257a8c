"""The AppError hierarchy and its translation into the API error envelope."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.kit.correlation import get_correlation_id

logger = logging.getLogger(__name__)


class AppError(Exception):
    """A business or request error with a stable machine code."""

    status_code: int = 400
    code: str = "bad_request"
    message: str = "The request cannot be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self.message = message or self.message
        self.details = details or []
        self.headers = headers or {}
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        super().__init__(self.message)


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "Resource not found."


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Authentication required."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "Your role does not allow this operation."


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class BusinessValidationError(AppError):
    """A 422 on one field, raised by services after schema validation passed."""

    status_code = 422
    code = "validation_error"

    def __init__(
        self,
        loc: list[str | int] | tuple[str | int, ...],
        msg: str,
        *,
        code: str | None = None,
        type_: str = "value_error",
    ) -> None:
        super().__init__(msg, details=[{"loc": list(loc), "msg": msg, "type": type_}], code=code)


class DatabaseUnavailable(AppError):
    """The database cannot be reached (server down, connection lost, pool exhausted): retry later."""

    status_code = 503
    code = "database_unavailable"
    message = "The database is unavailable; retry shortly."
    retry_after_seconds = 5

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(self.retry_after_seconds)})


def is_database_outage(exc: BaseException) -> bool:
    """A failure to reach the database, as opposed to a bad statement or a violated constraint."""
    import psycopg
    import psycopg_pool

    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError | psycopg_pool.PoolTimeout):
        return True
    return isinstance(exc, ConnectionError)


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"
    message = "Too many requests; retry later."

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(headers={"Retry-After": str(max(1, retry_after_seconds))})


# Named constraints that map to a specific business answer instead of a generic conflict. Modules add
# theirs at import time (constraint name -> (status, code, message, field)).
CONSTRAINT_ERRORS: dict[str, tuple[int, str, str, str | None]] = {}


def register_constraint_error(
    constraint: str, status_code: int, code: str, message: str, field: str | None = None
) -> None:
    CONSTRAINT_ERRORS[constraint] = (status_code, code, message, field)


def error_responses(codes: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI error answers, each described by the machine codes it can carry (the envelope schema is
    attached to every error answer by create_app)."""
    return {status: {"description": text} for status, text in codes.items()}


def envelope(
    status_code: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "error": {
            "code": code,
            "message": message,
            "details": details or [],
            "correlation_id": get_correlation_id(),
        }
    }
    return JSONResponse(body, status_code=status_code, headers=headers)


def integrity_error_response(exc: IntegrityError) -> JSONResponse:
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    if constraint and constraint in CONSTRAINT_ERRORS:
        status_code, code, message, field = CONSTRAINT_ERRORS[constraint]
        details = [{"loc": ["body", field], "msg": message, "type": code}] if field else []
        return envelope(status_code, code, message, details)
    logger.warning("unmapped integrity error on constraint %s", constraint)
    return envelope(409, "conflict", "The request conflicts with the current state of the data.")


def data_error_response(exc: DataError) -> JSONResponse:
    # SQLSTATE class 22 (value out of range, text too long, NUL in text...) means a value reached the
    # database that validation should have refused: the caller still gets a 4xx, and the log says which.
    sqlstate = getattr(exc.orig, "sqlstate", None)
    logger.warning("unvalidated value refused by the database (SQLSTATE %s): %s", sqlstate, type(exc.orig).__name__)
    return envelope(422, "validation_error", "A value is out of range or cannot be stored.")


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def _clean_validation_details(errors: list[Any]) -> list[dict[str, Any]]:
    details = []
    for err in errors:
        msg = str(err.get("msg", "invalid value"))
        details.append({"loc": list(err.get("loc", [])), "msg": msg, "type": str(err.get("type", "value_error"))})
    return details


def install_exception_handlers(app: FastAPI) -> None:
    async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return envelope(exc.status_code, exc.code, exc.message, exc.details, exc.headers or None)

    async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return envelope(
            422,
            "validation_error",
            "The request is not valid.",
            _clean_validation_details(list(exc.errors())),
        )

    async def http_handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 404 and message == "Not Found":
            message = "No such resource or route."
        if exc.status_code == 405:
            allowed = _allowed_methods(request)
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
            message = f"Method not allowed; this route accepts {', '.join(allowed)}."
        return envelope(exc.status_code, code, message, headers=headers)

    async def outage_handler(request: Request, exc: Exception) -> JSONResponse:
        if not is_database_outage(exc):
            raise exc
        logger.error("database unavailable: %s", type(exc).__name__)
        error = DatabaseUnavailable()
        return envelope(error.status_code, error.code, error.message, headers=error.headers)

    async def integrity_handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, IntegrityError)
        return integrity_error_response(exc)

    async def data_error_handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DataError)
        return data_error_response(exc)

    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_handler)
    app.add_exception_handler(IntegrityError, integrity_handler)
    app.add_exception_handler(DataError, data_error_handler)
    for outage in (OperationalError, InterfaceError, PoolTimeoutError):
        app.add_exception_handler(outage, outage_handler)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path accepts (Starlette's own Allow names only the first route's)."""
    from fastapi.routing import iter_route_contexts

    path = get_route_path(request.scope)
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(route.methods or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
