"""The throwaway database every benchmark runs in: on the server the app would use (or the one named), made
fresh and migrated to head, dropped afterwards unless asked to keep it."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
from alembic import command
from psycopg import sql
from sqlalchemy.engine import make_url

BACKEND_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BACKEND_DIR))

from app.config import get_settings  # noqa: E402
from app.dbserver import libpq_dsn, resolve_database_url, to_async_url  # noqa: E402
from app.health import alembic_config  # noqa: E402


def admin_url(explicit: str | None) -> str:
    """The server to create the scratch database on: the one given, else the app's own choice."""
    return to_async_url(explicit) if explicit else resolve_database_url(get_settings())


def database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def create_scratch_database(server_url: str, name: str) -> str:
    drop_database(server_url, name)
    with psycopg.connect(libpq_dsn(make_url(server_url).set(database="postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = database_url(server_url, name)
    config = alembic_config(url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    return url


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(libpq_dsn(make_url(server_url).set(database="postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
