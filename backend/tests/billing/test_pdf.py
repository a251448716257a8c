"""The invoice PDF layout: designations stay inside their column, long invoices continue on more pages."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.billing.pdf import (
    DESCRIPTION_WIDTH,
    REGULAR,
    InvoiceDocumentData,
    InvoiceLineData,
    OperatorIdentity,
    fit,
    render_invoice_pdf,
)

OPERATOR = OperatorIdentity(name="MT Telecom SA", address="Rabat", ice="001", rc="RC1", tax_identifier="IF1")


def _invoice(offer_name: str, lines: int = 1) -> InvoiceDocumentData:
    line = InvoiceLineData(
        kind="recurring",
        service_type="fiber",
        offer_name=offer_name,
        phone_number="+212537112233",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        active_days=31,
        suspended_days=0,
        days_in_period=31,
        unit_amount=Decimal("349.00"),
        amount=Decimal("349.00"),
    )
    subtotal = Decimal("349.00") * lines
    return InvoiceDocumentData(
        invoice_number="FAC-2026-000042",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 2, 16),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        client_name="Salma Bennani",
        client_cin="BE123456",
        client_address="12 rue Oued Fès, Rabat",
        currency="MAD",
        subtotal=subtotal,
        tax_rate=Decimal("0.20"),
        tax_amount=subtotal * Decimal("0.20"),
        total=subtotal * Decimal("1.20"),
        lines=(line,) * lines,
    )


class TestDesignationColumn:
    def test_a_short_designation_is_printed_whole(self) -> None:
        assert fit("Abonnement Fibre 100", DESCRIPTION_WIDTH) == "Abonnement Fibre 100"

    def test_a_long_designation_is_shortened_to_its_column_with_an_ellipsis(self) -> None:
        long_name = "Abonnement " + "Fibre Optique Très Haut Débit Famille Premium " * 3

        shortened = fit(long_name, DESCRIPTION_WIDTH)

        assert shortened.endswith("…")
        assert stringWidth(shortened, REGULAR, 8.5) <= DESCRIPTION_WIDTH
        assert long_name.startswith(shortened[:-1])

    def test_the_pdf_prints_the_shortened_designation_and_the_service_beside_it(self) -> None:
        content = render_invoice_pdf(_invoice("Fibre Optique Très Haut Débit Famille Premium Illimitée Plus"), OPERATOR)

        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()

        assert "Abonnement Fibre Optique Très Haut" in text
        assert "Jours Tarif mensuel" in text
        assert "Illimitée Plus" not in text
        assert "Internet fibre" in text


class TestPages:
    def test_an_invoice_with_many_lines_continues_on_numbered_pages_with_the_totals_at_the_end(self) -> None:
        content = render_invoice_pdf(_invoice("Fibre 100", lines=80), OPERATOR)

        pages = pypdf.PdfReader(io.BytesIO(content)).pages

        assert len(pages) >= 2
        assert "Page 2" in pages[1].extract_text()
        assert "FAC-2026-000042" in pages[1].extract_text()
        assert "Total TTC" in pages[-1].extract_text()
        assert "Total TTC" not in pages[0].extract_text()
