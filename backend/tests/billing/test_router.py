"""Billing API: runs (idempotent 202), invoices with filters, the PDF, and who may do what."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import httpx
import pypdf
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service
from app.billing.models import BillingRun
from app.config import get_settings
from app.kit.audit import AuditRecord
from app.kit.dates import utc_today
from tests.fixtures.auth import auth_headers
from tests.fixtures.billing_factories import bill, create_contract, invoice_of, suspend
from tests.fixtures.collections_factories import create_invoice
from tests.fixtures.factories import create_client, create_offer

RUNS = "/api/v1/billing/runs"
INVOICES = "/api/v1/invoices"
JANUARY = {"period_start": "2026-01-01", "period_end": "2026-01-31"}


def billing(**extra: str) -> dict[str, str]:
    return auth_headers("billing", **extra)


async def _start(http: httpx.AsyncClient, key: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return await http.post(RUNS, json=body or JANUARY, headers=billing(**{"Idempotency-Key": key}))


async def _customer_base(session: AsyncSession) -> dict[str, Any]:
    """Two clients: one with a mobile line, one with fiber + landline (one of them suspended all month)."""
    mobile_client = await create_client(session, first_name="Salma", last_name="Bennani", cin="BE123456")
    home_client = await create_client(session)
    mobile = await create_offer(session, "mobile", monthly_fee=Decimal("199.00"))
    fiber = await create_offer(session, "fiber", monthly_fee=Decimal("349.00"))
    landline = await create_offer(session, "landline", monthly_fee=Decimal("80.00"))
    await create_contract(session, mobile_client, mobile, start_date=date(2025, 1, 1))
    await create_contract(session, home_client, fiber, start_date=date(2025, 1, 1))
    idle = await create_contract(session, home_client, landline, start_date=date(2025, 1, 1))
    await suspend(session, idle, since=date(2025, 12, 1), resumed_on=None)
    return {"mobile_client": mobile_client, "home_client": home_client, "mobile": mobile, "fiber": fiber}


class TestCreateBillingRun:
    async def test_a_run_is_accepted_queued_and_its_job_enqueued_in_the_same_transaction(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await _start(client, "run-1", {**JANUARY, "due_days": 20, "tax_rate": "0.10"})

        assert response.status_code == 202, response.text
        body = response.json()
        assert (body["status"], body["dry_run"], body["due_days"], body["tax_rate"]) == ("queued", False, 20, "0.10")
        assert body["progress"] == {"processed": 0, "total": 0, "percent": 0}
        assert body["total_amount"] == "0.00"
        job = (
            await session.execute(
                text("SELECT task_name, queue_name, args FROM procrastinate_jobs WHERE args->>'run_id' = :run_id"),
                {"run_id": body["id"]},
            )
        ).one()
        assert (job.task_name, job.queue_name) == ("billing.plan_run", "billing")

    async def test_defaults_are_fifteen_days_and_moroccan_tva(self, client: httpx.AsyncClient) -> None:
        response = await _start(client, "run-defaults")

        assert response.status_code == 202
        assert (response.json()["due_days"], response.json()["tax_rate"]) == (15, "0.20")

    async def test_the_same_key_and_body_replays_the_first_answer_without_a_second_run(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        first = await _start(client, "run-replay")
        second = await _start(client, "run-replay")

        assert second.status_code == 202
        assert second.headers.get("Idempotent-Replayed") == "true"
        assert second.json() == first.json()
        assert len(list(await session.scalars(select(BillingRun.id)))) == 1

    async def test_the_same_key_with_another_body_is_a_conflict(self, client: httpx.AsyncClient) -> None:
        await _start(client, "run-conflict")

        response = await _start(client, "run-conflict", {**JANUARY, "dry_run": True})

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_conflict"

    async def test_the_idempotency_key_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.post(RUNS, json=JANUARY, headers=billing())

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "idempotency_key_required"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"period_start": "2026-01-31", "period_end": "2026-01-01"}, "period_end"),
            ({"period_start": "2026-01-01", "period_end": "2027-06-30"}, "period_end"),
            ({**JANUARY, "tax_rate": "1.5"}, "tax_rate"),
            ({**JANUARY, "due_days": -1}, "due_days"),
            ({"period_start": "2026-01-01"}, "period_end"),
        ],
    )
    async def test_invalid_parameters_are_a_422_naming_the_field(
        self, client: httpx.AsyncClient, body: dict[str, Any], field: str
    ) -> None:
        response = await _start(client, f"run-invalid-{field}", body)

        assert response.status_code == 422
        assert ["body", field] in [detail["loc"] for detail in response.json()["error"]["details"]]

    async def test_an_anonymous_caller_is_not_authenticated(self, client: httpx.AsyncClient) -> None:
        response = await client.post(RUNS, json=JANUARY, headers={"Idempotency-Key": "k"})

        assert response.status_code == 401


class TestReadBillingRuns:
    async def test_a_finished_run_shows_counts_progress_timings_and_parked_clients(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        base = await _customer_base(session)
        faulty = await create_client(session)
        await create_contract(
            session, faulty, base["mobile"], start_date=date(2025, 1, 1), monthly_fee="999999999999.00"
        )
        created = (await _start(client, "run-read")).json()
        await service.run_billing_to_completion(session, uuid.UUID(created["id"]), render_pdfs=False)

        response = await client.get(f"{RUNS}/{created['id']}", headers=auth_headers("auditor"))

        assert response.status_code == 200
        run = response.json()
        assert run["status"] == "completed"
        assert (run["clients_total"], run["clients_processed"], run["clients_failed"]) == (3, 3, 1)
        assert (run["invoices_count"], run["contracts_count"], run["lines_count"]) == (2, 2, 2)
        # 199.00 + 349.00, each with 20 % TVA
        assert run["total_amount"] == "657.60"
        assert run["progress"] == {"processed": 3, "total": 3, "percent": 100}
        assert run["started_at"] is not None
        assert run["finished_at"] is not None
        assert run["invoicing_seconds"] >= 0
        assert run["pdfs_ready"] is False
        [parked] = run["failed_clients"]
        assert parked["client_id"] == str(faulty.id)
        assert "numeric field overflow" in parked["reason"]

    async def test_runs_are_listed_newest_first_with_filters(self, client: httpx.AsyncClient) -> None:
        await _start(client, "run-list-1")
        await _start(client, "run-list-2", {**JANUARY, "dry_run": True})

        everything = await client.get(RUNS, headers=billing())
        dry = await client.get(RUNS, params={"dry_run": "true"}, headers=billing())

        assert everything.status_code == 200
        assert everything.json()["total"] == 2
        assert [r["dry_run"] for r in dry.json()["items"]] == [True]

    async def test_an_unknown_run_is_not_found(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{RUNS}/{uuid.uuid4()}", headers=billing())

        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


class TestRunRecords:
    async def test_a_run_is_audited_from_creation_to_the_numbers_it_issued(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _customer_base(session)
        created = (await _start(client, "run-audit")).json()
        await service.run_billing_to_completion(session, uuid.UUID(created["id"]), render_pdfs=False)

        records = list(
            await session.scalars(
                select(AuditRecord).where(AuditRecord.entity_id == created["id"]).order_by(AuditRecord.id)
            )
        )

        assert [record.action for record in records] == [
            "billing_run.created",
            "billing_run.started",
            "invoices.issued",
            "billing_run.finished",
        ]
        assert records[0].actor == "test-billing"
        year = utc_today().year
        issued = records[2].after
        assert issued is not None
        assert (issued["first_invoice_number"], issued["last_invoice_number"], issued["invoices"]) == (
            f"FAC-{year}-000001",
            f"FAC-{year}-000002",
            2,
        )

    async def test_run_duration_throughput_failures_and_pending_pdfs_are_exported(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _customer_base(session)
        await bill(session, date(2026, 1, 1), date(2026, 1, 31))

        response = await client.get("/metrics", headers=auth_headers("auditor"))

        assert response.status_code == 200
        for metric in (
            "mtf_billing_run_duration_seconds_count",
            "mtf_billing_contracts_per_second",
            "mtf_billing_run_failures_total",
            "mtf_billing_client_failures_total",
            "mtf_billing_pdfs_pending",
        ):
            assert metric in response.text


class TestDiscardEndpoint:
    async def test_a_finished_dry_run_is_discarded_and_a_real_one_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _customer_base(session)
        preview = await bill(session, date(2026, 1, 1), date(2026, 1, 31), dry_run=True)
        real = await bill(session, date(2026, 1, 1), date(2026, 1, 31))
        preview_id, real_id = preview.id, real.id

        discarded = await client.post(f"{RUNS}/{preview_id}/discard", headers=billing())
        refused = await client.post(f"{RUNS}/{real_id}/discard", headers=billing())

        assert discarded.status_code == 200
        assert discarded.json()["discarded_at"] is not None
        listed = await client.get(INVOICES, params={"run_id": str(preview_id)}, headers=billing())
        assert {i["status"] for i in listed.json()["items"]} == {"discarded"}
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "billing_run_not_discardable"


class TestInvoices:
    async def test_one_clients_invoices_are_counted_on_each_page_and_past_the_last(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # A client's list counts in its page's own query: the total is of all the client's invoices.
        customer = await create_client(session)
        for day in (5, 6, 7):
            await create_invoice(session, customer, total="10.00", due_date=date(2026, 1, day))
        await create_invoice(session, await create_client(session), total="10.00", due_date=date(2026, 1, 5))

        async def page(offset: int) -> tuple[int, int]:
            params = {"client_id": str(customer.id), "limit": "2", "offset": str(offset)}
            response = await client.get(INVOICES, params=params, headers=billing())
            assert response.status_code == 200, response.text
            return len(response.json()["items"]), response.json()["total"]

        assert [await page(offset) for offset in (0, 2, 4)] == [(2, 3), (1, 3), (0, 3)]

    async def test_filters_by_client_service_offer_status_run_and_period(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        base = await _customer_base(session)
        run = await bill(session, date(2026, 1, 1), date(2026, 1, 31))

        async def numbers(**params: str) -> list[str]:
            response = await client.get(INVOICES, params=params, headers=billing())
            assert response.status_code == 200, response.text
            return sorted(i["client_id"] for i in response.json()["items"])

        mobile_id, home_id = str(base["mobile_client"].id), str(base["home_client"].id)
        assert await numbers() == sorted([mobile_id, home_id])
        assert await numbers(client_id=mobile_id) == [mobile_id]
        assert await numbers(service="mobile") == [mobile_id]
        assert await numbers(service="internet") == [home_id]
        # the suspended landline has no line, so no invoice matches the landline service
        assert await numbers(service="landline") == []
        assert await numbers(offer_id=str(base["fiber"].id)) == [home_id]
        assert await numbers(status="issued", run_id=str(run.id)) == sorted([mobile_id, home_id])
        assert await numbers(status="paid") == []
        assert await numbers(period_start="2026-02-01") == []
        assert await numbers(period_start="2026-01-15", period_end="2026-01-20") == sorted([mobile_id, home_id])

    async def test_an_unknown_service_filter_is_a_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(INVOICES, params={"service": "satellite"}, headers=billing())

        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["query", "service"]

    async def test_an_invoice_is_shown_with_its_lines(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        base = await _customer_base(session)
        run = await bill(session, date(2026, 1, 1), date(2026, 1, 31))
        invoice = await invoice_of(session, run, base["mobile_client"])
        assert invoice is not None

        response = await client.get(f"{INVOICES}/{invoice.id}", headers=auth_headers("collections"))

        assert response.status_code == 200
        body = response.json()
        assert body["invoice_number"] == invoice.invoice_number
        assert (body["subtotal"], body["tax_rate"], body["tax_amount"], body["total"]) == (
            "199.00",
            "0.20",
            "39.80",
            "238.80",
        )
        assert (body["paid_amount"], body["outstanding_amount"], body["currency"]) == ("0.00", "238.80", "MAD")
        [line] = body["lines"]
        assert (line["kind"], line["service"], line["offer_name"], line["amount"]) == (
            "recurring",
            "mobile",
            base["mobile"].name,
            "199.00",
        )
        assert body["pdf"] is None

    async def test_an_unknown_invoice_is_not_found(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(f"{INVOICES}/{uuid.uuid4()}", headers=billing())).status_code == 404


class TestInvoicePdf:
    async def test_the_pdf_shows_the_number_client_and_total(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        base = await _customer_base(session)
        run = await bill(session, date(2026, 1, 1), date(2026, 1, 31), render_pdfs=True)
        invoice = await invoice_of(session, run, base["mobile_client"])
        assert invoice is not None
        assert invoice.invoice_number is not None
        assert run.pdfs_ready is True
        assert run.pdfs_rendered == 2

        response = await client.get(f"{INVOICES}/{invoice.id}/pdf", headers=auth_headers("auditor"))

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert invoice.invoice_number in response.headers["content-disposition"]
        page_text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        settings = get_settings()
        [line] = await service.get_invoice_lines(session, invoice.id)
        for expected in (
            invoice.invoice_number,
            settings.operator_name,
            settings.operator_address,
            f"ICE {settings.operator_ice}",
            f"RC {settings.operator_rc}",
            f"IF {settings.operator_if}",
            "Salma Bennani",
            "CIN : BE123456",
            f"Date d'émission : {invoice.issue_date:%d/%m/%Y}",
            f"Date d'échéance : {invoice.due_date:%d/%m/%Y}",
            "Période : du 01/01/2026 au 31/01/2026",
            base["mobile"].name,
            "Mobile",
            line.phone_number,
            "31/31",
            "199.00",
            "Sous-total HT",
            "TVA 20 %",
            "39.80 MAD",
            "Total TTC",
            "238.80 MAD",
        ):
            assert expected in page_text
        detail = (await client.get(f"{INVOICES}/{invoice.id}", headers=billing())).json()
        assert detail["pdf"]["size_bytes"] == len(response.content)
        assert detail["pdf"]["sha256"] == response.headers["x-content-sha256"]

    async def test_a_pdf_not_rendered_yet_is_a_409(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        base = await _customer_base(session)
        run = await bill(session, date(2026, 1, 1), date(2026, 1, 31))
        invoice = await invoice_of(session, run, base["mobile_client"])
        assert invoice is not None

        response = await client.get(f"{INVOICES}/{invoice.id}/pdf", headers=billing())

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invoice_pdf_not_ready"

    async def test_a_draft_has_no_pdf(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        base = await _customer_base(session)
        run = await bill(session, date(2026, 1, 1), date(2026, 1, 31), dry_run=True, render_pdfs=True)
        draft = await invoice_of(session, run, base["mobile_client"])
        assert draft is not None

        response = await client.get(f"{INVOICES}/{draft.id}/pdf", headers=billing())

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invoice_pdf_unavailable"

    async def test_a_tampered_pdf_is_never_served(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        base = await _customer_base(session)
        run = await bill(session, date(2026, 1, 1), date(2026, 1, 31), render_pdfs=True)
        invoice = await invoice_of(session, run, base["mobile_client"])
        assert invoice is not None
        # Corruption below the application (disk, a restore gone wrong): the immutability trigger is bypassed.
        await session.execute(text("ALTER TABLE invoice_documents DISABLE TRIGGER trg_invoice_documents_immutable"))
        await session.execute(
            text("UPDATE invoice_documents SET content = content || '\\x00'::bytea WHERE invoice_id = :id"),
            {"id": invoice.id},
        )
        await session.execute(text("ALTER TABLE invoice_documents ENABLE TRIGGER trg_invoice_documents_immutable"))

        response = await client.get(f"{INVOICES}/{invoice.id}/pdf", headers=billing())

        assert response.status_code == 500
        assert response.json()["error"]["code"] == "invoice_pdf_integrity_error"
        assert b"%PDF" not in response.content


class TestRoles:
    """Who may do what: billing staff run billing, collections staff read invoices, auditors read, admins all."""

    ROUTES: ClassVar[list[tuple[str, str, tuple[str, ...]]]] = [
        ("POST", RUNS, ("billing", "admin")),
        ("GET", RUNS, ("billing", "auditor", "admin")),
        ("GET", f"{RUNS}/{uuid.UUID(int=1)}", ("billing", "auditor", "admin")),
        ("POST", f"{RUNS}/{uuid.UUID(int=1)}/discard", ("billing", "admin")),
        ("GET", INVOICES, ("billing", "collections", "auditor", "admin")),
        ("GET", f"{INVOICES}/{uuid.UUID(int=1)}", ("billing", "collections", "auditor", "admin")),
        ("GET", f"{INVOICES}/{uuid.UUID(int=1)}/pdf", ("billing", "collections", "auditor", "admin")),
    ]

    @pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
    @pytest.mark.parametrize("role", ["admin", "operator", "billing", "collections", "auditor"])
    async def test_each_route_accepts_exactly_its_roles(
        self, client: httpx.AsyncClient, method: str, path: str, allowed: tuple[str, ...], role: str
    ) -> None:
        headers = auth_headers(role, **{"Idempotency-Key": f"roles-{role}"})
        body = JANUARY if path == RUNS and method == "POST" else None

        response = await client.request(method, path, json=body, headers=headers)

        if role in allowed:
            assert response.status_code in (200, 202, 404), response.text
        else:
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "forbidden"
