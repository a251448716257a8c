"""The built SPA served by the API (MTF_SPA_DIR, the container image): files, deep links to index.html,
and the API's own misses still answered by the API in the error envelope."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.config import get_settings
from app.main import create_app


@pytest.fixture
def spa_client(tmp_path: Path, database_url: str) -> httpx.AsyncClient:
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div>', encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log('spa')", encoding="utf-8")
    settings = get_settings().model_copy(update={"spa_dir": tmp_path})
    app = create_app(settings, manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_spa_is_served_with_deep_links(spa_client: httpx.AsyncClient) -> None:
    async with spa_client as http:
        root = await http.get("/")
        assert root.status_code == 200
        assert '<div id="root">' in root.text
        asset = await http.get("/assets/app.js")
        assert asset.text == "console.log('spa')"
        deep = await http.get("/clients/42/contracts")
        assert deep.status_code == 200
        assert '<div id="root">' in deep.text


async def test_api_misses_stay_api_errors(spa_client: httpx.AsyncClient) -> None:
    async with spa_client as http:
        miss = await http.get("/api/v1/no-such-thing")
        assert miss.status_code == 404
        assert miss.json()["error"]["code"]
        assert (await http.get("/health/live")).json() == {"status": "ok"}


def test_a_spa_dir_without_index_is_refused(tmp_path: Path) -> None:
    settings = get_settings().model_copy(update={"spa_dir": tmp_path})
    with pytest.raises(RuntimeError, match=r"index\.html"):
        create_app(settings, manage_database=False)
