"""The API as `mtf serve` builds it, plus the floor endpoint the API load benchmark compares every route with.

Only benchmarks/api_load.py starts this factory; the product app never has the floor route.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text

from app.db import SessionDep
from app.main import build_default_app

FLOOR_PATH = "/bench/floor/{client_id}"
_FLOOR_SELECT = text("SELECT id, cin, first_name, last_name, city, status FROM clients WHERE id = :id")


def build_app() -> FastAPI:
    app = build_default_app()

    # Same server, middleware, pool and session as every route; no token, no ORM, one primary-key select.
    @app.get(FLOOR_PATH, include_in_schema=False)
    async def floor(client_id: uuid.UUID, session: SessionDep) -> dict[str, Any]:
        row = (await session.execute(_FLOOR_SELECT, {"id": client_id})).one()
        return {
            "id": str(row.id),
            "cin": row.cin,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "city": row.city,
            "status": row.status,
        }

    return app
