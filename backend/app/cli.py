"""`mtf` command: migrate the database, create the bootstrap admin, serve, export OpenAPI and error codes."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

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
    """Write the OpenAPI document, then every document generated from it into docs_dir: the reference, the
    process map and their PDFs (app.apidocs), and the error code catalogue generated from the AppError classes."""
    from app.apidocs import write_all
    from app.main import create_app

    schema = create_app(manage_database=False).openapi()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(schema, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    if docs_dir is not None:
        write_all(schema, docs_dir)
        (docs_dir / "error-codes.md").write_text(render_error_catalogue(schema), encoding="utf-8")


def render_error_catalogue(schema: dict[str, Any]) -> str:
    """One row per (code, status) the API can answer, with the operations that list it."""
    from app.errors import catalogue_classes

    used: dict[tuple[str, int], list[str]] = {}
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                for part in response.get("content", {}).get("application/json", {}).get("schema", {}).get("allOf", []):
                    code_schema = part.get("properties", {}).get("error", {}).get("properties", {}).get("code", {})
                    for code in code_schema.get("enum", []):
                        used.setdefault((code, int(status)), []).append(operation["operationId"])
    lines = [
        "# Error codes",
        "",
        "Generated from the AppError classes by `mtf openapi` (do not edit by hand). Every error answer is the",
        "envelope `{error: {code, message, details, correlation_id}}`; `code` is stable and the SPA keys its",
        "messages on it, `message` is English help for developers. Each operation of",
        "[`openapi/openapi-v1.json`](openapi/openapi-v1.json) lists, per status, the exact codes it can answer.",
        '`details[]` items carry `loc` (the field, e.g. `["body", "cin"]`), `msg` and `type`.',
        "",
        "| code | status | meaning | what the caller should do | operations |",
        "| --- | --- | --- | --- | --- |",
    ]
    for error in catalogue_classes():
        operations = used.get((error.code, error.status_code), [])
        if len(operations) > 6:
            where = f"{len(operations)} operations"
        else:
            where = ", ".join(f"`{op}`" for op in sorted(operations)) or "none"
        lines.append(
            f"| `{error.code}` | {error.status_code} | {_cell(error.meaning())} | {_cell(error.action)} | {where} |"
        )
    lines += [
        "",
        "Answers of the routing layer, outside any operation: `not_found` (404, no such route),",
        "`method_not_allowed` (405), `cors_preflight_refused` (400, a browser preflight from an origin not allowed).",
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


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


def serve(host: str, port: int, workers: int = 1, app_factory: str = "app.main:build_default_app") -> None:
    """Run the API: `workers` processes (one per core in production) sharing the port.

    Each process has its own database pools (two of `MTF_DB_POOL_SIZE` plus as many overflow: one for writes,
    one for reads), so the server must accept about 4 x pool size x workers connections."""
    import uvicorn

    from app.config import get_settings
    from app.kit.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=False,
        log_config=None,
        access_log=False,
        **proxy_options(settings.forwarded_allow_ips),
    )


def proxy_options(forwarded_allow_ips: str) -> dict[str, Any]:
    """uvicorn's proxy settings: forwarded headers are believed only from MTF_FORWARDED_ALLOW_IPS.

    uvicorn itself trusts X-Forwarded-For from 127.0.0.1 by default, which would let any local caller
    (or a proxy that passes the header through) choose the address every rate limit counts."""
    trusted = forwarded_allow_ips.strip()
    if not trusted:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


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
    serve_parser.add_argument(
        "--workers", type=int, default=1, help="API processes sharing the port (production: one per core)"
    )
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate()
    elif args.command == "openapi":
        export_openapi(args.output, args.docs_dir)
    elif args.command == "db":
        return database(args.action)
    elif args.command == "serve":
        serve(args.host, args.port, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
