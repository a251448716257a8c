"""The SPA's production build, served by the API process itself (issue 11).

Hashed files under /assets/ are immutable and cached for a year. Any other GET that matches no route falls
back to index.html, so deep links like /clients/<id> or /landing/plan-change load the app, except under
/api/, /health/ and /metrics, which keep their JSON 404 envelope.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

logger = logging.getLogger(__name__)

# Vite names every file under assets/ after its content hash: a changed file gets a new name.
IMMUTABLE = "public, max-age=31536000, immutable"
# index.html names the current hashes, so it must be revalidated on every load.
REVALIDATE = "no-cache"
# A missing hashed asset is a stale page asking for an old build: a 404, not index.html.
NEVER_FALLBACK = ("/api/", "/health/", "/metrics", "/assets/")


class _ImmutableAssets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def is_spa_path(path: str) -> bool:
    """Whether an unmatched path belongs to the SPA (true) or to the API surface (false)."""
    return not (path == "/metrics" or path.startswith(NEVER_FALLBACK) or path in ("/api", "/health"))


def install_frontend(app: FastAPI, dist: Path | None) -> bool:
    """Serve the build in `dist` if it exists; returns whether it is served."""
    if dist is None or not (dist / "index.html").is_file():
        logger.info("no frontend build at %s: the API runs without the SPA", dist)
        return False
    root = dist.resolve()
    index = root / "index.html"
    if (root / "assets").is_dir():
        app.mount("/assets", _ImmutableAssets(directory=root / "assets"), name="spa-assets")
    original = app.exception_handlers[StarletteHTTPException]

    async def spa_fallback(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        if exc.status_code == 404 and request.method in ("GET", "HEAD") and is_spa_path(path):
            # A top-level file of the build (favicon, robots.txt) is served as itself, nothing outside it.
            candidate = (root / path.lstrip("/")).resolve()
            if candidate.is_relative_to(root) and candidate.is_file() and candidate != index:
                return FileResponse(candidate, headers={"Cache-Control": REVALIDATE})
            return FileResponse(index, media_type="text/html", headers={"Cache-Control": REVALIDATE})
        answer = original(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(StarletteHTTPException, spa_fallback)
    logger.info("serving the SPA from %s", root)
    return True
