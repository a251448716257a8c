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


def test_export_writes_the_same_document_and_every_committed_generated_document(tmp_path: Path) -> None:
    """The reference, the process map and their PDFs (deterministic bytes) are never stale."""
    target = tmp_path / "openapi.json"
    export_openapi(target, tmp_path)
    assert json.loads(target.read_text()) == json.loads(COMMITTED.read_text())
    for name in ("api-reference.md", "api-process-map.md", "api-reference-table.pdf", "api-process-map.pdf"):
        fresh = (tmp_path / name).read_bytes()
        assert fresh == (REPO_ROOT / "docs" / name).read_bytes(), f"docs/{name} is stale: run `mtf openapi`"


def test_the_reference_lists_roles_idempotency_and_error_codes_of_every_operation() -> None:
    reference = (REPO_ROOT / "docs" / "api-reference.md").read_text(encoding="utf-8")
    row = next(line for line in reference.splitlines() if "`collections-payments-create`" in line)
    assert "| admin, collections |" in row
    assert "| required |" in row
    assert "422: overpayment" in row
    schema = create_app(manage_database=False).openapi()
    count = sum(len(operations) for operations in schema["paths"].values())
    assert sum(1 for line in reference.splitlines() if line.startswith("| ") and "`/" in line) == count


def test_the_generated_pdfs_parse_and_name_every_journey() -> None:
    import io

    from pypdf import PdfReader

    from app.apidocs import JOURNEYS

    text = " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO((REPO_ROOT / "docs" / "api-process-map.pdf").read_bytes())).pages
    )
    for name, _, _ in JOURNEYS:
        assert name.split(" (")[0] in text
    reference = PdfReader(io.BytesIO((REPO_ROOT / "docs" / "api-reference-table.pdf").read_bytes()))
    assert "collections-payments-create" in " ".join(page.extract_text() for page in reference.pages)
