"""The SPA build served by the API process: immutable hashed assets, index.html for the app's own paths,
never for /api/*, /health/* or /metrics, which keep their JSON 404 envelope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app

INDEX = "<!doctype html><title>MT-Facturation</title><div id=root></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-Ab12Cd34.js").write_text("console.log('app')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside the build")
    return tmp_path


@pytest.fixture
async def spa(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(frontend_dist=dist), manage_database=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class TestServedBuild:
    async def test_hashed_assets_are_cached_for_a_year_as_immutable(self, spa: httpx.AsyncClient) -> None:
        response = await spa.get("/assets/index-Ab12Cd34.js")
        assert response.status_code == 200
        assert response.text == "console.log('app')"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"

    async def test_a_missing_asset_is_a_json_404_not_the_app(self, spa: httpx.AsyncClient) -> None:
        response = await spa.get("/assets/gone-00000000.js")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    @pytest.mark.parametrize(
        "path",
        ["/", "/clients", "/clients/7b1c0d1e-0000-4000-8000-000000000000", "/landing", "/landing/plan-change/step-2"],
    )
    async def test_app_paths_get_index_html_revalidated_each_time(self, spa: httpx.AsyncClient, path: str) -> None:
        response = await spa.get(path)
        assert response.status_code == 200
        assert response.text == INDEX
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"

    @pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/", "/health/nothing", "/metrics/x", "/api"])
    async def test_api_paths_keep_their_json_404_envelope(self, spa: httpx.AsyncClient, path: str) -> None:
        response = await spa.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["error"]["code"] == "not_found"

    async def test_a_write_to_an_unknown_path_is_not_answered_with_the_app(self, spa: httpx.AsyncClient) -> None:
        response = await spa.post("/clients")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    async def test_top_level_build_files_are_served_but_nothing_outside_the_build(self, spa: httpx.AsyncClient) -> None:
        assert (await spa.get("/favicon.svg")).text == "<svg/>"
        escaped = await spa.get("/..%2Fsecret.txt")
        assert "outside the build" not in escaped.text

    async def test_the_api_still_answers_as_before(self, spa: httpx.AsyncClient) -> None:
        response = await spa.get("/api/v1/auth/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


async def test_without_a_build_unknown_paths_are_json_404(dist: Path) -> None:
    app = create_app(Settings(frontend_dist=dist / "missing"), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        response = await http.get("/clients")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
