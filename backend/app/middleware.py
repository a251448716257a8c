"""Request middleware inside CORS: correlation id, access log, metrics, the NUL-character guard, and the
last-resort 500 envelope. Also a CORS middleware whose refused preflights answer in the error envelope."""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import InternalError, PayloadTooLarge, ValidationFailed, envelope, raises
from app.kit.correlation import accept_or_generate, actor_var, correlation_id_var
from app.kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

logger = logging.getLogger("app.request")
HEADER = "X-Correlation-ID"

# PostgreSQL text cannot hold U+0000: a value carrying it would fail deep in the driver as a 500. Request
# bodies up to this size are scanned so the caller gets a 422 naming the field; a larger body is passed on
# unscanned (the DataError handler still answers 422 without naming the field).
NUL_SCAN_LIMIT = 1024 * 1024
# No operation of the API takes more than a few kilobytes; a larger declared body is refused before it is read.
MAX_BODY_BYTES = 2 * 1024 * 1024
_NUL_MESSAGE = "must not contain the NUL character (U+0000)"


def _nul_detail(loc: list[str | int]) -> dict[str, Any]:
    return {"loc": loc, "msg": _NUL_MESSAGE, "type": "string_nul"}


def _nul_in_pairs(raw: str, location: str) -> list[dict[str, Any]]:
    return [
        _nul_detail([location, name.replace("\x00", "")])
        for name, value in parse_qsl(raw, keep_blank_values=True)
        if "\x00" in name or "\x00" in value
    ]


def _nul_in_json(value: Any, loc: list[str | int]) -> list[dict[str, Any]]:
    if isinstance(value, str):
        return [_nul_detail(loc)] if "\x00" in value else []
    if isinstance(value, dict):
        found: list[dict[str, Any]] = []
        for key, item in value.items():
            name = key.replace("\x00", "")
            if name != key:
                found.append(_nul_detail([*loc, name]))
            found.extend(_nul_in_json(item, [*loc, name]))
        return found
    if isinstance(value, list):
        return [detail for index, item in enumerate(value) for detail in _nul_in_json(item, [*loc, index])]
    return []


def _scanned_media_type(content_type: str) -> str | None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return "json"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return None


def _nul_in_body(media_type: str, body: bytes) -> list[dict[str, Any]]:
    if media_type == "json":
        # Only an escaped \u0000 can put NUL into a JSON string (a raw control character is invalid JSON).
        if b"\\u0000" not in body:
            return []
        try:
            document = json.loads(body)
        except ValueError:
            return []  # FastAPI answers malformed JSON itself
        return _nul_in_json(document, ["body"])
    if b"%00" in body or b"\x00" in body:
        return _nul_in_pairs(body.decode("latin-1"), "body")
    return []


async def _read_scannable_body(receive: Receive) -> tuple[list[Message], bool]:
    """The request messages read so far, and whether they hold the whole body within NUL_SCAN_LIMIT."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, size <= NUL_SCAN_LIMIT
        if size > NUL_SCAN_LIMIT:
            return messages, False


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


@raises(PayloadTooLarge, ValidationFailed, InternalError)
class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        correlation_id = accept_or_generate(headers.get(HEADER.lower()))
        cid_token = correlation_id_var.set(correlation_id)
        actor_token = actor_var.set(None)
        started = time.perf_counter()
        status = {"code": 500, "sent": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                message.setdefault("headers", [])
                message["headers"] = [
                    *(h for h in message["headers"] if h[0].lower() != HEADER.lower().encode()),
                    (HEADER.encode(), correlation_id.encode()),
                ]
            await send(message)

        try:
            declared_length = headers.get("content-length", "")
            if declared_length.isdigit() and int(declared_length) > MAX_BODY_BYTES:
                response = envelope(
                    413, "payload_too_large", f"The request body exceeds {MAX_BODY_BYTES // (1024 * 1024)} MiB."
                )
                await response(scope, receive, send_with_id)
                return
            problems, receive = await self._nul_problems(scope, headers, receive)
            if problems:
                response = envelope(422, "validation_error", "The request is not valid.", problems)
                await response(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error")
            if status["sent"]:
                raise
            response = envelope(500, "internal_error", "An unexpected error occurred.")
            await response(scope, receive, send_with_id)
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
            actor_var.reset(actor_token)
            correlation_id_var.reset(cid_token)

    @staticmethod
    async def _nul_problems(
        scope: Scope, headers: dict[str, str], receive: Receive
    ) -> tuple[list[dict[str, Any]], Receive]:
        """Fields of the path, query or (JSON or form) body carrying U+0000, and the receive to pass on."""
        if "\x00" in scope.get("path", ""):
            return [_nul_detail(["path"])], receive
        query_string: bytes = scope.get("query_string", b"")
        if b"%00" in query_string or b"\x00" in query_string:
            problems = _nul_in_pairs(query_string.decode("latin-1"), "query")
            if problems:
                return problems, receive
        media_type = _scanned_media_type(headers.get("content-type", ""))
        if media_type is None or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return [], receive
        messages, complete = await _read_scannable_body(receive)
        if complete:
            body = b"".join(m.get("body", b"") for m in messages)
            problems = _nul_in_body(media_type, body)
            if problems:
                return problems, receive
        return [], _replaying(messages, receive)


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
