"""The request pipeline inside CORS, as named steps (outermost first):

1. `correlation`      correlation id in, echoed out, put in every log line of the request
2. `access_log`       one log line and the Prometheus metrics per request
3. `security_headers` nosniff, no-referrer, no framing on every answer; no-store on answers with personal data
4. `failure_mapping`  an exception escaping the app: 503 `database_unavailable` when the database is out,
                      else the last-resort 500 `internal_error`, always in the envelope
5. `body_guard`       reads the body counting the bytes actually received (413 as soon as the limit is
                      passed, declared or chunked, on every route), then refuses bodies that are not UTF-8
                      JSON, and text carrying U+0000 or a lone surrogate, with a 422 naming the field
6. `staff_token_gate` a route that needs a staff token answers 401 before its body is parsed when the token
                      is missing or does not verify (the full check, revocation and roles, stays in the route)

Every step is a plain ASGI middleware, so the order is the list `REQUEST_STEPS` and nothing else. Also a
CORS middleware whose refused preflights answer in the error envelope.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette._utils import get_route_path
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import (
    AppError,
    DatabaseUnavailable,
    InternalError,
    PayloadTooLarge,
    ValidationFailed,
    envelope,
    field_problem,
    is_database_outage,
    raises,
)
from app.kit.correlation import accept_or_generate, actor_var, correlation_id_var
from app.kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

logger = logging.getLogger("app.request")
HEADER = "X-Correlation-ID"

# No operation of the API takes more than a few kilobytes. The limit is on the bytes received, whatever
# the request declares, so a chunked body without Content-Length is cut off just the same.
MAX_BODY_BYTES = 2 * 1024 * 1024
_TOO_LARGE = f"The request body exceeds {MAX_BODY_BYTES // (1024 * 1024)} MiB."
_NUL_MESSAGE = "must not contain the NUL character (U+0000)"
_SURROGATE_MESSAGE = "must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF)"
# Answers under these paths carry personal data or tokens (clients, invoices, landing lookups, staff tokens).
_NO_STORE_PREFIX = "/api/v1/"
_CACHEABLE_PATHS = frozenset({"/api/v1/openapi.json", "/api/v1/docs"})


# --- 1. correlation ----------------------------------------------------------------------------------------


class CorrelationStep:
    name = "correlation"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = accept_or_generate(Headers(scope=scope).get(HEADER))
        cid_token = correlation_id_var.set(correlation_id)
        actor_token = actor_var.set(None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *(h for h in message.get("headers", []) if h[0].lower() != HEADER.lower().encode()),
                    (HEADER.encode(), correlation_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            actor_var.reset(actor_token)
            correlation_id_var.reset(cid_token)


# --- 2. access log and metrics -----------------------------------------------------------------------------


class AccessLogStep:
    name = "access_log"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            HTTP_REQUESTS.labels(scope["method"], template, str(status["code"])).inc()
            HTTP_LATENCY.labels(scope["method"], template).observe(elapsed)
            logger.info(
                "%s %s -> %s",
                scope["method"],
                template,
                status["code"],
                extra={"duration_ms": round(elapsed * 1000, 2), "status": status["code"]},
            )


# --- 3. security headers -----------------------------------------------------------------------------------

_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeadersStep:
    name = "security_headers"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        no_store = path.startswith(_NO_STORE_PREFIX) and path not in _CACHEABLE_PATHS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ALWAYS if name not in present]
                content_type = Headers(raw=headers).get("content-type", "")
                if content_type.startswith("text/html") and b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", b"frame-ancestors 'none'"))
                if no_store:
                    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- 4. failure mapping ------------------------------------------------------------------------------------


@raises(DatabaseUnavailable, InternalError)
class FailureMappingStep:
    name = "failure_mapping"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = {"sent": False}

        async def send_tracking(message: Message) -> None:
            if message["type"] == "http.response.start":
                started["sent"] = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            if started["sent"]:
                logger.exception("error after the answer had started")
                raise
            if is_database_outage(exc):
                logger.error("database unavailable: %s", type(exc).__name__)
                response = database_unavailable_response()
            else:
                logger.exception("unhandled error")
                error = InternalError()
                response = envelope(error.status_code, error.code, error.message)
            await response(scope, receive, send)


def database_unavailable_response() -> Response:
    error = DatabaseUnavailable()
    return envelope(error.status_code, error.code, error.message, headers=error.headers)


# --- 5. body guard -----------------------------------------------------------------------------------------


def _text_detail(loc: list[str | int], text: str) -> dict[str, Any] | None:
    if "\x00" in text:
        return field_problem(loc, _NUL_MESSAGE, type_="string_nul")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return field_problem(loc, _SURROGATE_MESSAGE, type_="string_surrogate")
    return None


def _bad_text_in_pairs(raw: str, location: str) -> list[dict[str, Any]]:
    found = []
    for name, value in parse_qsl(raw, keep_blank_values=True):
        detail = _text_detail([location, name.replace("\x00", "")], name + value)
        if detail:
            found.append(detail)
    return found


def _bad_text_in_json(value: Any, loc: list[str | int]) -> list[dict[str, Any]]:
    if isinstance(value, str):
        detail = _text_detail(loc, value)
        return [detail] if detail else []
    if isinstance(value, dict):
        found: list[dict[str, Any]] = []
        for key, item in value.items():
            name = "".join(ch for ch in key if ch != "\x00" and not "\ud800" <= ch <= "\udfff")
            if name != key:
                detail = _text_detail([*loc, name], key)
                if detail:
                    found.append(detail)
            found.extend(_bad_text_in_json(item, [*loc, name]))
        return found
    if isinstance(value, list):
        return [detail for index, item in enumerate(value) for detail in _bad_text_in_json(item, [*loc, index])]
    return []


def _media_type(content_type: str) -> str | None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return "json"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return None


def _body_problems(media_type: str | None, body: bytes) -> list[dict[str, Any]]:
    """Fields of a JSON or form body that PostgreSQL text cannot hold (NUL, lone surrogates), or the body
    itself when JSON is not UTF-8 (RFC 8259 8.1)."""
    if media_type == "json" and body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return [field_problem(["body"], "the JSON body is not valid UTF-8", type_="json_not_utf8")]
        # Only escapes can put NUL or a lone surrogate into a JSON string (raw control characters are invalid).
        if "\\u" not in text:
            return []
        try:
            document = json.loads(text)
        except ValueError:
            return []  # FastAPI answers malformed JSON itself (after the token gate)
        return _bad_text_in_json(document, ["body"])
    if media_type == "form" and (b"%00" in body or b"\x00" in body):
        return _bad_text_in_pairs(body.decode("latin-1"), "body")
    return []


@raises(PayloadTooLarge, ValidationFailed)
class BodyGuardStep:
    name = "body_guard"

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(scope, receive, send, PayloadTooLarge(_TOO_LARGE))
            return
        problems = _path_and_query_problems(scope)
        if problems:
            await envelope(422, "validation_error", "The request is not valid.", problems)(scope, receive, send)
            return
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                await self._refuse(scope, receive, send, PayloadTooLarge(_TOO_LARGE))
                return
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        problems = _body_problems(_media_type(headers.get("content-type", "")), body)
        if problems:
            await envelope(422, "validation_error", "The request is not valid.", problems)(scope, receive, send)
            return
        await self.app(scope, _replaying(messages, receive), send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, error: AppError) -> None:
        # The connection is closed after the answer: the rest of an oversized body is never read.
        response = envelope(error.status_code, error.code, error.message, headers={"Connection": "close"})
        await response(scope, receive, send)


def _path_and_query_problems(scope: Scope) -> list[dict[str, Any]]:
    detail = _text_detail(["path"], scope.get("path", ""))
    if detail:
        return [detail]
    query_string: bytes = scope.get("query_string", b"")
    if b"%00" in query_string or b"\x00" in query_string:
        return _bad_text_in_pairs(query_string.decode("latin-1"), "query")
    return []


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


# --- 6. staff token gate -----------------------------------------------------------------------------------


def dependency_calls(dependant: Dependant) -> list[Any]:
    """Every callable in the dependency graph of a route (router-level dependencies included)."""
    calls: list[Any] = []
    for dependency in dependant.dependencies:
        calls.append(dependency.call)
        calls.extend(dependency_calls(dependency))
    return calls


def api_routes(app: Any) -> list[Any]:
    """The application's operations as FastAPI route contexts (each with its path, methods and dependant)."""
    return [route for route in iter_route_contexts(app.routes) if getattr(route, "dependant", None) is not None]


def route_needs_staff_token(route: Any) -> bool:
    """Whether the route depends on a staff token (the auth dependency is somewhere in its graph)."""
    from app.auth.deps import authenticated_actor

    return any(call is authenticated_actor for call in dependency_calls(route.dependant))


class StaffTokenGateStep:
    name = "staff_token_gate"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._protected: list[tuple[Any, frozenset[str]]] | None = None

    def _protected_routes(self, scope: Scope) -> list[tuple[Any, frozenset[str]]]:
        if self._protected is None:
            self._protected = [
                (route.path_regex, frozenset(route.methods or ()))
                for route in api_routes(scope["app"])
                if route_needs_staff_token(route)
            ]
        return self._protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "app" not in scope:
            await self.app(scope, receive, send)
            return
        path = get_route_path(scope)
        if any(scope["method"] in methods and regex.match(path) for regex, methods in self._protected_routes(scope)):
            from app.auth.deps import VERIFIED_CLAIMS, verify_bearer_signature

            try:
                claims = verify_bearer_signature(Headers(scope=scope).get("authorization"))
            except AppError as error:
                response = envelope(error.status_code, error.code, error.message, headers=error.headers or None)
                await response(scope, receive, send)
                return
            # The route's guard reads them from request.state instead of decoding the token a second time.
            scope.setdefault("state", {})[VERIFIED_CLAIMS] = claims
        await self.app(scope, receive, send)


# Outermost first. `create_app` adds them in reverse, since Starlette runs the last added middleware first.
REQUEST_STEPS: tuple[type, ...] = (
    CorrelationStep,
    AccessLogStep,
    SecurityHeadersStep,
    FailureMappingStep,
    BodyGuardStep,
    StaffTokenGateStep,
)


def request_step_names(steps: Iterable[type] = REQUEST_STEPS) -> list[str]:
    return [str(step.name) for step in steps]  # type: ignore[attr-defined]


class EnvelopeCORSMiddleware(CORSMiddleware):
    """CORS whose refused preflight answers in the error envelope like every other non-2xx answer."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        correlation_id = accept_or_generate(request_headers.get(HEADER))
        token = correlation_id_var.set(correlation_id)
        try:
            headers = {
                name: value
                for name, value in response.headers.items()
                if name.lower().startswith("access-control-") or name.lower() == "vary"
            }
            headers[HEADER] = correlation_id
            reason = bytes(response.body).decode("utf-8", "replace")
            return envelope(response.status_code, "cors_preflight_refused", f"{reason}.", headers=headers)
        finally:
            correlation_id_var.reset(token)
