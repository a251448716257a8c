from __future__ import annotations

import json
import re
from pathlib import Path

from app.cli import export_openapi
from app.config import REPO_ROOT
from app.main import create_app

COMMITTED = REPO_ROOT / "docs" / "openapi" / "openapi-v1.json"


def test_committed_openapi_matches_the_running_app() -> None:
    """Regenerate with `cd backend && .venv/bin/mtf openapi` when this fails."""
    live = json.loads(json.dumps(create_app(manage_database=False).openapi()))
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert live == committed, "docs/openapi/openapi-v1.json is stale: run `mtf openapi`"


def test_every_operation_has_a_readable_operation_id_and_documents_the_error_envelope() -> None:
    schema = create_app(manage_database=False).openapi()
    seen: set[str] = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            operation_id = operation.get("operationId", "")
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", operation_id), (path, method, operation_id)
            assert operation_id not in seen, operation_id
            seen.add(operation_id)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorEnvelope", (operation_id, status)


def test_export_writes_the_same_document_and_the_committed_api_reference(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    reference = tmp_path / "api-reference.md"
    export_openapi(target, reference)
    assert json.loads(target.read_text()) == json.loads(COMMITTED.read_text())
    committed_reference = (REPO_ROOT / "docs" / "api-reference.md").read_text(encoding="utf-8")
    assert reference.read_text(encoding="utf-8") == committed_reference, (
        "docs/api-reference.md is stale: run `mtf openapi`"
    )
