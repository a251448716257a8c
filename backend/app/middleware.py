"""Request middleware inside CORS: correlation id, access log, metrics, and the last-resort 500 envelope."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import envelope
from app.kit.correlation import accept_or_generate, actor_var, correlation_id_var
from app.kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

logger = logging.getLogger("app.request")
HEADER = "X-Correlation-ID"


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
