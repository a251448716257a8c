"""`mtf` command: migrate the database, create the bootstrap admin, serve, export OpenAPI."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from alembic import command


def migrate() -> None:
    from app.config import get_settings
    from app.dbserver import resolve_database_url
    from app.health import alembic_config

    url = resolve_database_url(get_settings())
    command.upgrade(alembic_config(url), "head")
    asyncio.run(_bootstrap_admin(url))


async def _bootstrap_admin(url: str) -> None:
    from app.auth.service import ensure_bootstrap_admin
    from app.config import get_settings
    from app.db import database

    database.configure(url, pool_size=1)
    try:
        async with database.sessionmaker() as session, session.begin():
            await ensure_bootstrap_admin(session, get_settings())
    finally:
        await database.dispose()


DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"


def export_openapi(target: Path, docs_dir: Path | None = None) -> None:
    """Write the OpenAPI document, then every document generated from it (app.apidocs) into docs_dir."""
    from app.apidocs import write_all
    from app.main import create_app

    schema = create_app(manage_database=False).openapi()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(schema, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    if docs_dir is not None:
        write_all(schema, docs_dir)


def database(action: str) -> int:
    """`mtf db url` starts what is needed and prints the chosen URL (stdout, alone); `mtf db stop` stops the
    embedded server when nobody else holds it."""
    from app.config import get_settings
    from app.dbserver import launcher_database_url, stop_embedded_server

    settings = get_settings()
    if action == "url":
        url, origin = launcher_database_url(settings)
        print(f"database: {origin}", file=sys.stderr)
        print(url)
    else:
        print(f"embedded PostgreSQL: {stop_embedded_server(settings.embedded_db_dir)}")
    return 0


def serve(host: str, port: int) -> None:
    import uvicorn

    from app.config import get_settings
    from app.kit.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    uvicorn.run(
        "app.main:build_default_app",
        factory=True,
        host=host,
        port=port,
        reload=False,
        log_config=None,
        access_log=False,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mtf")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply migrations (embedded database started if needed) and bootstrap admin")
    openapi = sub.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument(
        "--output",
        type=Path,
        default=DOCS_DIR / "openapi" / "openapi-v1.json",
    )
    openapi.add_argument(
        "--docs-dir", type=Path, default=DOCS_DIR, help="where the reference, process map and their PDFs go"
    )
    db_parser = sub.add_parser("db", help="the launcher's database: print its URL (starting it) or stop it")
    db_parser.add_argument("action", choices=["url", "stop"])
    serve_parser = sub.add_parser("serve", help="run the API (migrations must be applied)")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate()
    elif args.command == "openapi":
        export_openapi(args.output, args.docs_dir)
    elif args.command == "db":
        return database(args.action)
    elif args.command == "serve":
        serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
