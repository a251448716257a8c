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


def export_openapi(target: Path, reference: Path | None = None, catalogue: Path | None = None) -> None:
    """Write the OpenAPI document, the endpoint table of docs/api-reference.md generated from it, and the
    error code catalogue docs/error-codes.md generated from the AppError classes."""
    from app.main import create_app

    schema = create_app(manage_database=False).openapi()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(schema, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    if reference is not None:
        reference.write_text(render_api_reference(schema), encoding="utf-8")
    if catalogue is not None:
        catalogue.write_text(render_error_catalogue(schema), encoding="utf-8")


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


def render_api_reference(schema: dict[str, Any]) -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the OpenAPI document by `mtf openapi` (do not edit by hand). The full contract, with",
        "request and response schemas, is [`openapi/openapi-v1.json`](openapi/openapi-v1.json); every error",
        "answer uses the envelope `{error: {code, message, details, correlation_id}}`.",
        "",
    ]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            tag = (operation.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append((method.upper(), path, operation))
    for tag, operations in by_tag.items():
        lines += [f"## {tag}", "", "| method | path | operation id | summary |", "| --- | --- | --- | --- |"]
        for method, path, operation in operations:
            summary = (operation.get("summary") or "").replace("|", "\\|")
            if operation.get("deprecated"):
                summary = f"**deprecated** {summary}"
            lines.append(f"| {method} | `{path}` | `{operation.get('operationId', '')}` | {summary} |")
        lines.append("")
    return "\n".join(lines)


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
    openapi.add_argument("--reference", type=Path, default=DOCS_DIR / "api-reference.md")
    openapi.add_argument("--catalogue", type=Path, default=DOCS_DIR / "error-codes.md")
    serve_parser = sub.add_parser("serve", help="run the API (migrations must be applied)")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate()
    elif args.command == "openapi":
        export_openapi(args.output, args.reference, args.catalogue)
    elif args.command == "serve":
        serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
