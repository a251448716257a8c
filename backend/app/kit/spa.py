"""The built SPA served by the API itself (the container image): static files, and index.html for every
other path that is not the API's, so deep links of the client-side router (/clients/42) load the app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# Paths that belong to the API: a miss there is the API's 404 in the error envelope, never the SPA's page.
API_PREFIXES = ("/api/", "/health/", "/metrics")


class SinglePageApp(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            request_path = scope.get("path", "")
            if exc.status_code != 404 or request_path.startswith(API_PREFIXES):
                raise
            return await super().get_response("index.html", scope)


def mount_spa(app: FastAPI, directory: Path) -> None:
    """Mount last, after every router: routes match first, the SPA takes what is left."""
    if not (directory / "index.html").is_file():
        raise RuntimeError(f"MTF_SPA_DIR={directory} holds no index.html (build the SPA: npm run build)")
    app.mount("/", SinglePageApp(directory=directory, html=True), name="spa")
