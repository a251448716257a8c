from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cli import export_openapi
from app.config import REPO_ROOT
from app.errors import catalogue_classes, catalogue_duplicates, document_errors
from app.main import create_app
from tests.fixtures.error_codes import undocumented

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
                    schema = response["content"]["application/json"]["schema"]
                    envelope, codes = schema["allOf"]
                    assert envelope == {"$ref": "#/components/schemas/ErrorEnvelope"}, (operation_id, status)
                    assert codes["properties"]["error"]["properties"]["code"]["enum"], (operation_id, status)


def test_every_api_answer_in_json_has_a_schema() -> None:
    # The SPA's types come from this document: an answer without a schema is `unknown` there, and the
    # credit note form could not read the number of the note it had just issued.
    schema = create_app(manage_database=False).openapi()
    untyped = [
        (operation["operationId"], status)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status.startswith("2")
        and set(response.get("content", {}).get("application/json", {"schema": {"$ref": ""}})["schema"]) <= {"title"}
    ]
    assert untyped == []


def test_export_writes_the_same_document_and_every_committed_generated_document(tmp_path: Path) -> None:
    """The reference, the process map and their PDFs (deterministic bytes) are never stale."""
    target = tmp_path / "openapi.json"
    export_openapi(target, tmp_path)
    assert json.loads(target.read_text()) == json.loads(COMMITTED.read_text())
    for name in (
        "api-reference.md",
        "error-codes.md",
        "api-process-map.md",
        "api-reference-table.pdf",
        "api-process-map.pdf",
    ):
        fresh = (tmp_path / name).read_bytes()
        assert fresh == (REPO_ROOT / "docs" / name).read_bytes(), f"docs/{name} is stale: run `mtf openapi`"


def test_the_reference_lists_roles_idempotency_and_error_codes_of_every_operation() -> None:
    reference = (REPO_ROOT / "docs" / "api-reference.md").read_text(encoding="utf-8")
    row = next(line for line in reference.splitlines() if "`collections-payments-create`" in line)
    assert "| admin, collections |" in row
    assert "| required |" in row
    assert re.search(r"422: [^|<]*\boverpayment\b", row), row
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


class TestErrorContract:
    def test_each_status_and_code_has_one_catalogue_entry_with_its_meaning_and_action(self) -> None:
        create_app(manage_database=False)
        assert catalogue_duplicates() == []
        for error in catalogue_classes():
            assert "action" in error.__dict__, f"{error.__qualname__} must say what the caller should do"
            assert "__doc__" in error.__dict__, f"{error.__qualname__} must say what it means"
            assert error.__doc__

    def test_every_code_the_openapi_lists_is_in_the_catalogue(self) -> None:
        schema = create_app(manage_database=False).openapi()
        catalogue = {(error.code, error.status_code) for error in catalogue_classes()}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    if status.startswith(("4", "5")):
                        enum = response["content"]["application/json"]["schema"]["allOf"][1]
                        for code in enum["properties"]["error"]["properties"]["code"]["enum"]:
                            assert (code, int(status)) in catalogue, (operation["operationId"], status, code)

    def test_codes_of_dependencies_and_middleware_reach_every_operation_using_them(self) -> None:
        schema = create_app(manage_database=False).openapi()

        def codes(path: str, method: str, status: str) -> list[str]:
            response = schema["paths"][path][method]["responses"][status]
            return response["content"]["application/json"]["schema"]["allOf"][1]["properties"]["error"]["properties"][
                "code"
            ]["enum"]

        # payments and approve-paid omitted idempotency_key_invalid when codes were written by hand
        assert codes("/api/v1/collections/payments", "post", "400") == [
            "idempotency_key_invalid",
            "idempotency_key_required",
        ]
        assert "idempotency_key_invalid" in codes(
            "/api/v1/collections/invoices/{invoice_id}/approve-paid", "post", "400"
        )
        assert codes("/api/v1/clients", "get", "401") == ["not_authenticated"]
        assert codes("/api/v1/clients", "get", "403") == ["forbidden"]
        assert codes("/api/v1/landing/bootstrap", "get", "429") == ["rate_limited"]
        assert codes("/health/live", "get", "413") == ["payload_too_large"]
        assert "401" not in schema["paths"]["/health/live"]["get"]["responses"]

    def test_a_route_documenting_an_error_by_hand_is_refused_at_start_up(self) -> None:
        app = create_app(manage_database=False)

        @app.get("/hand-written", operation_id="hand-written", responses={404: {"description": "not_found"}})
        async def hand_written() -> None: ...

        with pytest.raises(TypeError, match="hand-written documents error 404 by hand"):
            document_errors(app)


class TestRecordedCodesCheck:
    """The session-end check of tests/fixtures/error_codes.py, on records made up for the purpose."""

    def test_an_answer_the_operation_does_not_list_is_reported(self) -> None:
        schema = create_app(manage_database=False).openapi()
        records = [("clients-get", 404, "not_found"), ("clients-get", 409, "client_cin_taken")]
        assert undocumented(records, schema) == [("clients-get", 409, "client_cin_taken")]

    def test_an_unknown_operation_or_a_code_of_another_status_is_reported(self) -> None:
        schema = create_app(manage_database=False).openapi()
        records = [("no-such-operation", 404, "not_found"), ("clients-get", 422, "not_found")]
        assert undocumented(records, schema) == [
            ("clients-get", 422, "not_found"),
            ("no-such-operation", 404, "not_found"),
        ]
