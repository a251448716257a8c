"""The AppError hierarchy, its translation into the API error envelope, and the typed error contract.

Each AppError subclass that sets its own `code` is one entry of the error catalogue: a (status, code) pair
with its meaning (the class docstring) and what the caller should do (`action`). Operations list the
classes they raise with `error_responses(...)`; dependencies and middleware declare theirs with
`@raises(...)`, and `document_errors` turns all of it into one `code` enum per status in the OpenAPI.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.kit.correlation import get_correlation_id

logger = logging.getLogger(__name__)


class AppError(Exception):
    """The request cannot be processed."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: str = "The request cannot be processed."
    action: ClassVar[str] = "Correct the request; it cannot succeed as sent."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.details = details or []
        self.headers = headers or {}
        super().__init__(self.message)

    @classmethod
    def meaning(cls) -> str:
        """What the code means, for the catalogue: the docstring's first paragraph, else the message."""
        doc = inspect.getdoc(cls) if "__doc__" in cls.__dict__ and cls.__doc__ else None
        return " ".join((doc or cls.message).split("\n\n")[0].split())

    @classmethod
    def defines_code(cls) -> bool:
        """Whether this class is the catalogue entry of its (status, code), not a refinement of its message."""
        return cls is AppError or "code" in cls.__dict__ or "status_code" in cls.__dict__

    def response(self) -> JSONResponse:
        return envelope(self.status_code, self.code, self.message, self.details, self.headers or None)


class NotFound(AppError):
    """The resource named in the path (or the body field named in details) does not exist."""

    status_code = 404
    code = "not_found"
    message = "Resource not found."
    action = "Check the identifier; the resource may have been removed or never existed."


class NotAuthenticated(AppError):
    """No valid bearer token: missing, expired, tampered, or wrong credentials at login."""

    status_code = 401
    code = "not_authenticated"
    message = "Authentication required."
    action = "Sign in again (POST /api/v1/auth/token) and send the token as `Authorization: Bearer`."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    """The signed-in user's roles do not allow this operation."""

    status_code = 403
    code = "forbidden"
    message = "Your role does not allow this operation."
    action = "Ask an administrator for the role the operation needs; do not retry."


class Conflict(AppError):
    """The request conflicts with the current state of the data."""

    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state of the data."
    action = "Reload the resource and retry with its current state."


class ValidationFailed(AppError):
    """A value is missing, malformed or breaks a rule; each item of details names the field (`loc`)."""

    status_code = 422
    code = "validation_error"
    message = "The request is not valid."
    action = "Show each details[].msg next to the field its loc names, then let the user correct and resend."


def field_problem(loc: Sequence[str | int], msg: str, *, type_: str = "value_error", **extra: Any) -> dict[str, Any]:
    """One item of an error's `details`: the field it is about (`loc`), what is wrong in words (`msg`), its
    machine type (the SPA keys its words on it), and any facts the caller needs to act (`extra`)."""
    return {"loc": list(loc), "msg": msg, "type": type_, **extra}


class BusinessValidationError(ValidationFailed):
    """A 422 on one field, raised by services after schema validation passed."""

    def __init__(self, loc: list[str | int] | tuple[str | int, ...], msg: str, *, type_: str = "value_error") -> None:
        super().__init__(msg, details=[field_problem(loc, msg, type_=type_)])


class DatabaseUnavailable(AppError):
    """The database cannot be reached (server down, connection lost, pool exhausted): retry later."""

    status_code = 503
    code = "database_unavailable"
    message = "The database is unavailable; retry shortly."
    action = "Retry after the Retry-After header's seconds; nothing was written."
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
    """Too many requests from this caller in the current window."""

    status_code = 429
    code = "rate_limited"
    message = "Too many requests; retry later."
    action = "Wait the number of seconds in the Retry-After header, then retry."

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(headers={"Retry-After": str(max(1, retry_after_seconds))})


class PayloadTooLarge(AppError):
    """The declared request body is larger than any operation accepts."""

    status_code = 413
    code = "payload_too_large"
    message = "The request body is too large."
    action = "Send a smaller body; no operation takes more than a few kilobytes."


class InternalError(AppError):
    """An unexpected failure; nothing was written (the unit of work was rolled back)."""

    status_code = 500
    code = "internal_error"
    message = "An unexpected error occurred."
    action = "Retry once; if it persists, report the correlation_id to support."


# --- the typed contract ---------------------------------------------------------------------------------

E = TypeVar("E", bound=type[AppError])
T = TypeVar("T")
ERROR_CLASSES_KEY = "x-error-classes"


def raises(*errors: type[AppError]) -> Callable[[T], T]:
    """Declare the AppError classes a dependency or a middleware can answer; every operation using the
    dependency (every operation, for a middleware) lists their codes in its OpenAPI."""

    def mark(target: T) -> T:
        declared: tuple[type[AppError], ...] = getattr(target, "__raises__", ())
        target.__raises__ = (*declared, *errors)  # type: ignore[attr-defined]
        return target

    return mark


def declared_errors(target: object) -> tuple[type[AppError], ...]:
    return tuple(getattr(target, "__raises__", ()))


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI error answers of an operation, from the AppError classes it raises (the envelope schema,
    the per-status code enum and the description are filled in by document_errors)."""
    responses: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        name = f"{error.__module__}.{error.__qualname__}"
        _DECLARED[name] = error
        entry = responses.setdefault(error.status_code, {"description": "", ERROR_CLASSES_KEY: []})
        entry[ERROR_CLASSES_KEY].append(name)
    return responses


# The classes named in routes' responses (FastAPI copies those dicts into the OpenAPI, so they hold names).
_DECLARED: dict[str, type[AppError]] = {}


def catalogue_classes() -> list[type[AppError]]:
    """Every catalogue entry (class defining its own status and code), once per (status, code), sorted."""
    entries: dict[tuple[int, str], type[AppError]] = {}
    for error in _all_subclasses(AppError):
        if error.defines_code() and error is not AppError:
            entries.setdefault((error.status_code, error.code), error)
    return [entries[key] for key in sorted(entries, key=lambda k: (k[1], k[0]))]


def catalogue_duplicates() -> list[tuple[type[AppError], type[AppError]]]:
    """Pairs of classes that each claim the same (status, code): one must subclass the other instead."""
    owners: dict[tuple[int, str], type[AppError]] = {}
    duplicates = []
    for error in _all_subclasses(AppError):
        if not error.defines_code():
            continue
        key = (error.status_code, error.code)
        owner = owners.setdefault(key, error)
        if owner is not error and not issubclass(error, owner):
            duplicates.append((owner, error))
    return duplicates


def catalogue_entry(error: type[AppError]) -> type[AppError]:
    """The class that owns the (status, code) of `error` (its nearest ancestor defining it)."""
    for ancestor in error.__mro__:
        if isinstance(ancestor, type) and issubclass(ancestor, AppError) and ancestor.defines_code():
            return ancestor
    return AppError


def _all_subclasses(root: type[AppError]) -> Iterator[type[AppError]]:
    yield root
    for child in root.__subclasses__():
        yield from _all_subclasses(child)


class ErrorDetail(BaseModel):
    """One problem of an error answer. `loc` names the field (`["body", "cin"]`, `["query", "page"]`);
    some codes add fields: `kind` (client_delete_blocked), the candidate contract of provisioning_ambiguous."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(default_factory=list)
    msg: str
    type: str
    kind: str | None = None
    contract_id: str | None = None
    contract_number: str | None = None
    offer_id: str | None = None
    service_type: str | None = None
    phone_number: str | None = None
    start_date: str | None = None
    monthly_fee: str | None = None


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine code; see docs/error-codes.md. Messages are keyed on it.")
    message: str
    details: list[ErrorDetail]
    correlation_id: str | None


class ErrorEnvelope(BaseModel):
    """Every non-2xx answer of the API."""

    error: ErrorBody


@dataclass(frozen=True)
class _Coded:
    status: int
    code: str
    meaning: str


def api_operations(app: FastAPI) -> Iterator[RouteContext]:
    """Every documented operation of the app, with the dependencies and responses of its routers merged."""
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            yield route


def _route_errors(route: RouteContext, shared: Iterable[type[AppError]]) -> list[type[AppError]]:
    found: list[type[AppError]] = list(shared)
    for entry in route.responses.values():
        found.extend(_DECLARED[name] for name in entry.get(ERROR_CLASSES_KEY, ()))

    def walk(dependant: Dependant) -> None:
        if dependant.call is not None:
            found.extend(declared_errors(dependant.call))
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return found


def operation_error_codes(app: FastAPI) -> dict[str, dict[int, dict[str, str]]]:
    """operation id -> status -> code -> meaning, for every operation of the app."""
    shared = [error for middleware in app.user_middleware for error in declared_errors(middleware.cls)]
    result: dict[str, dict[int, dict[str, str]]] = {}
    for route in api_operations(app):
        by_status: dict[int, dict[str, str]] = {}
        for error in _route_errors(route, shared):
            owner = catalogue_entry(error)
            by_status.setdefault(owner.status_code, {}).setdefault(owner.code, owner.meaning())
        if route.body_field is not None or route.dependant.query_params or route.dependant.path_params:
            by_status.setdefault(422, {}).setdefault(ValidationFailed.code, ValidationFailed.meaning())
        result[route.operation_id or route.unique_id] = by_status
    return result


def document_errors(app: FastAPI) -> None:
    """The OpenAPI of every operation lists, per error status, the exact codes it can answer."""
    for route in api_operations(app):
        for status, entry in route.responses.items():
            if str(status).startswith(("4", "5")) and ERROR_CLASSES_KEY not in entry:
                raise TypeError(
                    f"{route.operation_id or route.path} documents error {status} by hand: "
                    "declare the AppError classes with error_responses(...) instead"
                )
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        envelope_schema = ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(envelope_schema.pop("$defs", {}))
        components["ErrorEnvelope"] = envelope_schema
        components["ErrorCode"] = {
            "type": "string",
            "enum": sorted({error.code for error in catalogue_classes()}),
            "description": "Every machine code the API can answer (docs/error-codes.md).",
        }
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        codes = operation_error_codes(app)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                documented = codes.get(operation.get("operationId", ""), {})
                responses = operation.setdefault("responses", {})
                for status in [s for s in responses if str(s).startswith(("4", "5"))]:
                    if int(status) not in documented:
                        responses.pop(status)
                for status, by_code in sorted(documented.items()):
                    responses[str(status)] = _error_response(by_code)
                operation["responses"] = dict(sorted(responses.items()))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _error_response(by_code: dict[str, str]) -> dict[str, Any]:
    codes = sorted(by_code)
    return {
        "description": "\n".join(f"- `{code}`: {by_code[code]}" for code in codes),
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/ErrorEnvelope"},
                        {
                            "type": "object",
                            "properties": {
                                "error": {
                                    "type": "object",
                                    "properties": {"code": {"type": "string", "enum": codes}},
                                }
                            },
                        },
                    ]
                }
            }
        },
    }


# --- constraint errors and the envelope ----------------------------------------------------------------


@dataclass(frozen=True)
class ConstraintError:
    error: type[AppError]
    message: str
    field: str | None


# Named constraints that map to a specific business answer instead of a generic conflict. Modules register
# theirs in their `wiring` (constraint name -> the AppError answered, with the field it concerns).
CONSTRAINT_ERRORS: dict[str, ConstraintError] = {}


def register_constraint_error(
    constraint: str, error: type[AppError], *, field: str | None = None, message: str | None = None
) -> None:
    CONSTRAINT_ERRORS[constraint] = ConstraintError(error, message or error.message, field)


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
    mapped = CONSTRAINT_ERRORS.get(constraint or "")
    if mapped is not None:
        error = mapped.error
        details = [field_problem(["body", mapped.field], mapped.message, type_=error.code)] if mapped.field else []
        return envelope(error.status_code, error.code, mapped.message, details)
    logger.warning("unmapped integrity error on constraint %s", constraint)
    return Conflict().response()


def data_error_response(exc: DataError) -> JSONResponse:
    # SQLSTATE class 22 (value out of range, text too long, NUL in text...) means a value reached the
    # database that validation should have refused: the caller still gets a 4xx, and the log says which.
    sqlstate = getattr(exc.orig, "sqlstate", None)
    logger.warning("unvalidated value refused by the database (SQLSTATE %s): %s", sqlstate, type(exc.orig).__name__)
    return envelope(422, ValidationFailed.code, "A value is out of range or cannot be stored.")


# Answers of the routing layer itself (no operation matched); operations never answer these.
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
        details.append(field_problem(err.get("loc", []), msg, type_=str(err.get("type", "value_error"))))
    return details


def install_exception_handlers(app: FastAPI) -> None:
    async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return exc.response()

    async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return envelope(
            422,
            ValidationFailed.code,
            ValidationFailed.message,
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
