"""Documents generated from the OpenAPI document by `mtf openapi` (never edited by hand):

- docs/api-reference.md and docs/api-reference-table.pdf: every operation with its roles, idempotency and
  error codes;
- docs/api-process-map.md and docs/api-process-map.pdf: each business journey and the calls it makes, in
  order, with a diagram (JOURNEYS below; an operation id that no longer exists fails the generation).

The PDFs are deterministic (reportlab's invariant mode: fixed dates and ids), so regenerating them from an
unchanged contract gives the same bytes and tests/platform/test_docs_fresh.py can detect a stale copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

# (journey, who, [(operation id, why)]) in the order the calls are made.
JOURNEYS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Sign in and discover the API",
        "operator workspace, partner system",
        [
            ("auth-token", "password or client_credentials grant: a bearer token"),
            ("auth-me", "who am I, which roles"),
            ("offer-categories-list", "the launcher's and the SPA's contract probe"),
        ],
    ),
    (
        "Onboard a client and activate a line",
        "operator",
        [
            ("clients-create", "person or business, CIN checked, Idempotency-Key"),
            ("offers-list", "offers on sale today"),
            ("contracts-provision", "auto intent: new line, upgrade or downgrade decided by the backend"),
            ("contracts-document", "the signed contract PDF"),
        ],
    ),
    (
        "Self-service subscription (landing)",
        "the operator's customer",
        [
            ("landing-bootstrap", "offers and rules for the public journey"),
            ("landing-drafts-create", "a draft the customer fills step by step"),
            ("landing-verify-cin", "known CIN? a short-lived lookup token"),
            ("landing-submit-new", "client, subscriber and contract provisioned in one transaction"),
            ("landing-contract-document-link", "signed link to the contract PDF"),
        ],
    ),
    (
        "Change plan, suspend, resume",
        "operator",
        [
            ("contracts-provision", "intent change_plan with target_contract_id"),
            ("contracts-suspend", "first suspended day"),
            ("contracts-resume", "first day of service again"),
            ("contracts-suspensions-list", "the suspension history"),
        ],
    ),
    (
        "Monthly billing",
        "billing team",
        [
            ("billing-runs-create", "dry run first, then the real run (Idempotency-Key)"),
            ("billing-runs-get", "poll progress: chunks, invoices, PDFs"),
            ("invoices-list", "the run's invoices"),
            ("invoices-pdf", "a legal invoice PDF with its SHA-256"),
        ],
    ),
    (
        "Collect and chase",
        "collections team",
        [
            ("collections-payments-create", "money received, allocated oldest first, never overpaid"),
            ("collections-evaluations-create", "mark overdue invoices, open or update cases, dunning actions"),
            ("collections-cases-list", "cases by aging bucket"),
            ("collections-cases-actions-create", "a call, a promise to pay"),
            ("collections-overview", "outstanding, overdue by bucket, collection rate"),
        ],
    ),
    (
        "Audit and operate",
        "auditor, platform team",
        [
            ("audit-events-list", "who did what, with correlation ids"),
            ("metrics", "Prometheus scrape"),
            ("health-ready", "readiness: database reachable, migrations at head"),
        ],
    ),
]


def operations(schema: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(tag, METHOD, path, operation) in the document's order."""
    found = []
    for path, entries in schema["paths"].items():
        for method, operation in entries.items():
            found.append(((operation.get("tags") or ["other"])[0], method.upper(), path, operation))
    return found


def roles_of(operation: dict[str, Any]) -> str:
    if not operation.get("security"):
        return "public"
    return ", ".join(operation.get("x-roles", [])) or "any staff role"


def idempotency_of(operation: dict[str, Any]) -> str:
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "Idempotency-Key":
            return "required" if "Required" in (parameter.get("description") or "") else "optional"
    return "-"


def errors_of(operation: dict[str, Any]) -> list[tuple[str, str]]:
    """(status, its codes) of each error answer: the code enum each status's envelope schema lists."""
    found = []
    for status, response in sorted(operation.get("responses", {}).items()):
        if not str(status).startswith(("4", "5")):
            continue
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        codes: list[str] = []
        for part in schema.get("allOf", []):
            codes += part.get("properties", {}).get("error", {}).get("properties", {}).get("code", {}).get("enum", [])
        found.append((status, ", ".join(codes) or response.get("description", "")))
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_api_reference(schema: dict[str, Any]) -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the OpenAPI document by `mtf openapi` (do not edit by hand; a test fails when it is",
        "stale). The full contract, with request and response schemas, is",
        "[`openapi/openapi-v1.json`](openapi/openapi-v1.json); a printable copy is",
        "[`api-reference-table.pdf`](api-reference-table.pdf). Every error answer uses the envelope",
        "`{error: {code, message, details, correlation_id}}`; the codes of each status are listed below.",
        "Roles: `admin` is accepted everywhere; `auditor` reads; *public* needs no token. Idempotency:",
        "*required* operations refuse a write without an `Idempotency-Key` header and replay the first",
        "answer for a repeated key (see `shared/api-conventions.md`). How the calls chain into business",
        "journeys: [`api-process-map.md`](api-process-map.md).",
        "",
    ]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for tag, method, path, operation in operations(schema):
        by_tag.setdefault(tag, []).append((method, path, operation))
    for tag, entries in by_tag.items():
        lines += [
            f"## {tag}",
            "",
            "| method | path | operation id | summary | roles | idempotency | errors |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for method, path, operation in entries:
            summary = _cell(operation.get("summary") or "")
            if operation.get("deprecated"):
                summary = f"**deprecated** {summary}"
            errors = "<br>".join(f"{status}: {_cell(codes)}" for status, codes in errors_of(operation))
            lines.append(
                f"| {method} | `{path}` | `{operation.get('operationId', '')}` | {summary} | "
                f"{roles_of(operation)} | {idempotency_of(operation)} | {errors} |"
            )
        lines.append("")
    return "\n".join(lines)


def _journey_steps(schema: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str, str, str]]]]:
    """JOURNEYS with each operation id resolved to (METHOD, path, id, why); unknown ids are an error."""
    index = {operation.get("operationId"): (method, path) for _, method, path, operation in operations(schema)}
    resolved = []
    for name, who, steps in JOURNEYS:
        calls = []
        for operation_id, why in steps:
            if operation_id not in index:
                raise ValueError(f"process map: journey {name!r} names unknown operation {operation_id!r}")
            method, path = index[operation_id]
            calls.append((method, path, operation_id, why))
        resolved.append((name, who, calls))
    return resolved


def render_process_map(schema: dict[str, Any]) -> str:
    lines = [
        "# API process map",
        "",
        "Generated by `mtf openapi` from `backend/app/apidocs.py` (JOURNEYS) and the OpenAPI document: each",
        "business journey and the calls it makes, in order. Printable copy with the diagrams:",
        "[`api-process-map.pdf`](api-process-map.pdf). Operation details: [`api-reference.md`](api-reference.md).",
        "",
    ]
    for number, (name, who, calls) in enumerate(_journey_steps(schema), start=1):
        lines += [f"## {number}. {name}", "", f"Who: {who}.", "", "```mermaid", "flowchart LR"]
        for step, (method, path, _, _) in enumerate(calls, start=1):
            lines.append(f'    s{step}["{step}. {method} {path}"]')
        lines += ["    " + " --> ".join(f"s{step}" for step in range(1, len(calls) + 1)), "```", ""]
        lines += ["| step | call | operation id | why |", "| --- | --- | --- | --- |"]
        for step, (method, path, operation_id, why) in enumerate(calls, start=1):
            lines.append(f"| {step} | `{method} {path}` | `{operation_id}` | {_cell(why)} |")
        lines.append("")
    return "\n".join(lines)


class _Flow(Flowable):  # type: ignore[misc]
    """A journey drawn as numbered boxes joined by arrows, wrapping onto as many rows as needed."""

    BOX_W, BOX_H, GAP = 58 * mm, 16 * mm, 8 * mm

    def __init__(self, calls: list[tuple[str, str, str, str]], width: float) -> None:
        super().__init__()
        self.calls = calls
        self.per_row = max(1, int((width + self.GAP) // (self.BOX_W + self.GAP)))
        rows = (len(calls) + self.per_row - 1) // self.per_row
        self.width, self.height = width, rows * (self.BOX_H + self.GAP)

    def draw(self) -> None:
        canvas = self.canv
        for index, (method, path, _, _) in enumerate(self.calls):
            row, column = divmod(index, self.per_row)
            x = column * (self.BOX_W + self.GAP)
            y = self.height - (row + 1) * (self.BOX_H + self.GAP) + self.GAP
            canvas.setStrokeColor(colors.HexColor("#1f4e79"))
            canvas.setFillColor(colors.HexColor("#eaf1f8"))
            canvas.roundRect(x, y, self.BOX_W, self.BOX_H, 2 * mm, stroke=1, fill=1)
            canvas.setFillColor(colors.black)
            canvas.setFont("Helvetica-Bold", 8)
            canvas.drawString(x + 2 * mm, y + self.BOX_H - 5 * mm, f"{index + 1}. {method}")
            canvas.setFont("Helvetica", 6.5)
            canvas.drawString(x + 2 * mm, y + 3.5 * mm, path if len(path) <= 48 else path[:45] + "...")
            if index + 1 < len(self.calls) and column + 1 < self.per_row:
                ax, ay = x + self.BOX_W, y + self.BOX_H / 2
                canvas.line(ax + 1 * mm, ay, ax + self.GAP - 1 * mm, ay)
                canvas.line(ax + self.GAP - 2.5 * mm, ay + 1.2 * mm, ax + self.GAP - 1 * mm, ay)
                canvas.line(ax + self.GAP - 2.5 * mm, ay - 1.2 * mm, ax + self.GAP - 1 * mm, ay)


def _pdf(target: Path, title: str, story: list[Flowable]) -> None:
    document = SimpleDocTemplate(
        str(target),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author="MT-Facturation",
        creator="mtf openapi",
        invariant=1,
    )
    document.build(story)


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e79")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def write_reference_pdf(schema: dict[str, Any], target: Path) -> None:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=6.5, leading=8)
    head = styles["BodyText"].clone("head", fontSize=7, leading=9, textColor=colors.white)
    story: list[Flowable] = [
        Paragraph(f"MT-Facturation API reference (OpenAPI {schema['info']['version']})", styles["Title"]),
        Paragraph("Every operation, its roles, idempotency and error codes. Generated by mtf openapi.", small),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[Any]] = [
        [Paragraph(h, head) for h in ("method", "path", "operation id", "summary", "roles", "idem.", "errors")]
    ]
    for _, method, path, operation in operations(schema):
        errors = "<br/>".join(f"{status}: {codes}" for status, codes in errors_of(operation))
        rows.append(
            [
                Paragraph(method, small),
                Paragraph(path, small),
                Paragraph(operation.get("operationId", ""), small),
                Paragraph(operation.get("summary") or "", small),
                Paragraph(roles_of(operation), small),
                Paragraph(idempotency_of(operation), small),
                Paragraph(errors, small),
            ]
        )
    story.append(_table(rows, [12 * mm, 55 * mm, 38 * mm, 55 * mm, 30 * mm, 14 * mm, 69 * mm]))
    _pdf(target, "MT-Facturation API reference", story)


def write_process_map_pdf(schema: dict[str, Any], target: Path) -> None:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9.5)
    head = styles["BodyText"].clone("head", fontSize=7.5, leading=9.5, textColor=colors.white)
    width = landscape(A4)[0] - 24 * mm
    story: list[Flowable] = [Paragraph("MT-Facturation API process map", styles["Title"])]
    for number, (name, who, calls) in enumerate(_journey_steps(schema), start=1):
        story += [Paragraph(f"{number}. {name}", styles["Heading2"]), Paragraph(f"Who: {who}.", small)]
        story += [Spacer(1, 2 * mm), _Flow(calls, width), Spacer(1, 1 * mm)]
        rows: list[list[Any]] = [[Paragraph(h, head) for h in ("step", "call", "operation id", "why")]]
        rows += [
            [Paragraph(str(step), small), Paragraph(f"{m} {p}", small), Paragraph(op, small), Paragraph(why, small)]
            for step, (m, p, op, why) in enumerate(calls, start=1)
        ]
        story += [_table(rows, [12 * mm, 90 * mm, 60 * mm, width - 162 * mm]), Spacer(1, 4 * mm)]
    _pdf(target, "MT-Facturation API process map", story)


def write_all(schema: dict[str, Any], docs_dir: Path) -> list[Path]:
    """Every generated document, from one schema; returns the files written."""
    written = [
        docs_dir / "api-reference.md",
        docs_dir / "api-process-map.md",
        docs_dir / "api-reference-table.pdf",
        docs_dir / "api-process-map.pdf",
    ]
    written[0].write_text(render_api_reference(schema), encoding="utf-8")
    written[1].write_text(render_process_map(schema), encoding="utf-8")
    write_reference_pdf(schema, written[2])
    write_process_map_pdf(schema, written[3])
    return written
