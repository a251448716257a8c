"""The invoice PDF, drawn directly on a reportlab canvas (no layout engine: hundreds per second per core).

Pure functions of an `InvoiceDocumentData`, so rendering can run in a worker thread and be tested alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from app.catalog.components import SERVICE_LABELS
from app.kit.money import format_money

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
LINE_HEIGHT = 5.2 * mm
BOTTOM_LIMIT = 40 * mm
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
COLUMNS = {
    "description": MARGIN,
    "service": MARGIN + 58 * mm,
    "number": MARGIN + 83 * mm,
    "period": MARGIN + 108 * mm,
    # Right edge of the days column: far enough left that the "Tarif mensuel" header does not overlap it.
    "days": MARGIN + 141 * mm,
    "unit": MARGIN + 162 * mm,
    "amount": PAGE_WIDTH - MARGIN,
}


@dataclass(frozen=True)
class OperatorIdentity:
    name: str
    address: str
    ice: str
    rc: str
    tax_identifier: str


@dataclass(frozen=True)
class InvoiceLineData:
    kind: str
    service_type: str
    offer_name: str
    phone_number: str
    period_start: date
    period_end: date
    active_days: int
    suspended_days: int
    days_in_period: int
    unit_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDocumentData:
    invoice_number: str
    issue_date: date
    due_date: date
    period_start: date
    period_end: date
    client_name: str
    client_cin: str
    client_address: str
    currency: str
    subtotal: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    total: Decimal
    lines: tuple[InvoiceLineData, ...]
    # The client's credit balance applied when the invoice was issued (credit notes of earlier invoices).
    credit_applied: Decimal = Decimal("0.00")


# Room for a designation before the service column, with a small gap.
DESCRIPTION_WIDTH = COLUMNS["service"] - COLUMNS["description"] - 2 * mm


def fit(value: str, width: float, font: str = REGULAR, size: float = 8.5) -> str:
    """The text, shortened with an ellipsis when it is wider than `width` points in this font."""
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _money(value: Decimal, currency: str) -> str:
    return f"{format_money(value)} {currency}"


def _rate(value: Decimal) -> str:
    return f"{(value * 100).normalize():f} %"


class _Page:
    """One text object per page: far cheaper than a text object per string (reportlab's drawString)."""

    def __init__(self, pdf: canvas.Canvas) -> None:
        self.pdf = pdf
        self.text = pdf.beginText()
        self.font: tuple[str, float] | None = None

    def left(self, x: float, y: float, value: str, font: str = "Helvetica", size: float = 8.5) -> None:
        if self.font != (font, size):
            self.text.setFont(font, size)
            self.font = (font, size)
        self.text.setTextOrigin(x, y)
        self.text.textOut(value)

    def right(self, x: float, y: float, value: str, font: str = "Helvetica", size: float = 8.5) -> None:
        self.left(x - stringWidth(value, font, size), y, value, font, size)

    def finish(self) -> None:
        self.pdf.drawText(self.text)


def _header(page: _Page, operator: OperatorIdentity, invoice: InvoiceDocumentData, number: int) -> float:
    top = PAGE_HEIGHT - MARGIN
    right = PAGE_WIDTH - MARGIN
    page.left(MARGIN, top, operator.name, BOLD, 14)
    page.left(MARGIN, top - 5 * mm, operator.address)
    page.left(MARGIN, top - 9 * mm, f"ICE {operator.ice}  -  RC {operator.rc}  -  IF {operator.tax_identifier}")

    page.right(right, top, "FACTURE", BOLD, 16)
    page.right(right, top - 6 * mm, f"N° {invoice.invoice_number}", REGULAR, 9.5)
    page.right(right, top - 10.5 * mm, f"Date d'émission : {_day(invoice.issue_date)}", REGULAR, 9.5)
    page.right(right, top - 15 * mm, f"Date d'échéance : {_day(invoice.due_date)}", REGULAR, 9.5)
    page.right(
        right,
        top - 19.5 * mm,
        f"Période : du {_day(invoice.period_start)} au {_day(invoice.period_end)}",
        REGULAR,
        9.5,
    )
    if number > 1:
        page.right(right, top - 24 * mm, f"Page {number}", REGULAR, 9.5)

    client_top = top - 30 * mm
    page.left(MARGIN, client_top, "Client", BOLD, 10)
    page.left(MARGIN, client_top - 5 * mm, invoice.client_name, REGULAR, 9.5)
    page.left(MARGIN, client_top - 9.5 * mm, f"CIN : {invoice.client_cin}", REGULAR, 9.5)
    if invoice.client_address:
        page.left(MARGIN, client_top - 14 * mm, invoice.client_address[:110], REGULAR, 9.5)

    table_top = client_top - 24 * mm
    page.left(COLUMNS["description"], table_top, "Désignation", BOLD)
    page.left(COLUMNS["service"], table_top, "Service", BOLD)
    page.left(COLUMNS["number"], table_top, "Numéro", BOLD)
    page.left(COLUMNS["period"], table_top, "Période", BOLD)
    page.right(COLUMNS["days"], table_top, "Jours", BOLD)
    page.right(COLUMNS["unit"], table_top, "Tarif mensuel", BOLD)
    page.right(COLUMNS["amount"], table_top, "Montant HT", BOLD)
    page.pdf.line(MARGIN, table_top - 1.8 * mm, right, table_top - 1.8 * mm)
    return float(table_top - LINE_HEIGHT - 1 * mm)


def render_invoice_pdf(invoice: InvoiceDocumentData, operator: OperatorIdentity) -> bytes:
    """The PDF bytes of one issued invoice (French labels, amounts in MAD)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Facture {invoice.invoice_number}")
    pdf.setAuthor(operator.name)
    pdf.setSubject(f"Facture {invoice.invoice_number} - {invoice.client_name}")
    number = 1
    page = _Page(pdf)
    y = _header(page, operator, invoice, number)
    for line in invoice.lines:
        if y < BOTTOM_LIMIT:
            page.finish()
            pdf.showPage()
            number += 1
            page = _Page(pdf)
            y = _header(page, operator, invoice, number)
        label = "Frais d'activation" if line.kind == "activation" else "Abonnement"
        page.left(COLUMNS["description"], y, fit(f"{label} {line.offer_name}", DESCRIPTION_WIDTH))
        page.left(COLUMNS["service"], y, SERVICE_LABELS.get(line.service_type, line.service_type))
        page.left(COLUMNS["number"], y, line.phone_number)
        if line.kind == "activation":
            page.left(COLUMNS["period"], y, _day(line.period_start))
            page.right(COLUMNS["days"], y, "-")
        else:
            page.left(COLUMNS["period"], y, f"{_day(line.period_start)}-{line.period_end.strftime('%d/%m')}")
            page.right(COLUMNS["days"], y, f"{line.active_days}/{line.days_in_period}")
        page.right(COLUMNS["unit"], y, format_money(line.unit_amount))
        page.right(COLUMNS["amount"], y, format_money(line.amount))
        y -= LINE_HEIGHT
        if line.suspended_days:
            # The service span printed above includes days the line was suspended, which are not billed.
            page.left(
                COLUMNS["period"], y + 1 * mm, f"dont {line.suspended_days} j. de suspension non facturés", REGULAR, 7
            )
            y -= LINE_HEIGHT * 0.7

    y -= 2 * mm
    right = PAGE_WIDTH - MARGIN
    pdf.line(PAGE_WIDTH / 2, y + 3 * mm, right, y + 3 * mm)
    label_x = right - 45 * mm
    page.right(label_x, y, "Sous-total HT", REGULAR, 9.5)
    page.right(right, y, _money(invoice.subtotal, invoice.currency), REGULAR, 9.5)
    page.right(label_x, y - LINE_HEIGHT, f"TVA {_rate(invoice.tax_rate)}", REGULAR, 9.5)
    page.right(right, y - LINE_HEIGHT, _money(invoice.tax_amount, invoice.currency), REGULAR, 9.5)
    page.right(label_x, y - 2.2 * LINE_HEIGHT, "Total TTC", BOLD, 11)
    page.right(right, y - 2.2 * LINE_HEIGHT, _money(invoice.total, invoice.currency), BOLD, 11)
    if invoice.credit_applied > 0:
        page.right(label_x, y - 3.3 * LINE_HEIGHT, "Avoir déduit (crédit client)", REGULAR, 9.5)
        page.right(right, y - 3.3 * LINE_HEIGHT, f"-{_money(invoice.credit_applied, invoice.currency)}", REGULAR, 9.5)
        page.right(label_x, y - 4.5 * LINE_HEIGHT, "Net à payer", BOLD, 11)
        net = invoice.total - invoice.credit_applied
        page.right(right, y - 4.5 * LINE_HEIGHT, _money(net, invoice.currency), BOLD, 11)

    page.left(
        MARGIN,
        18 * mm,
        f"Montants en dirhams marocains ({invoice.currency}). À régler au plus tard le {_day(invoice.due_date)}.",
        REGULAR,
        7.5,
    )
    page.left(
        MARGIN,
        14 * mm,
        f"{operator.name} - ICE {operator.ice} - RC {operator.rc} - IF {operator.tax_identifier}",
        REGULAR,
        7.5,
    )
    page.finish()
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class CreditNoteLineData:
    description: str
    period_start: date | None
    period_end: date | None
    days: int | None
    amount: Decimal


@dataclass(frozen=True)
class CreditNoteDocumentData:
    credit_note_number: str
    issue_date: date
    invoice_number: str
    invoice_issue_date: date
    reason: str
    client_name: str
    client_cin: str
    client_address: str
    currency: str
    subtotal: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    total: Decimal
    applied_to_invoice: Decimal
    to_credit_balance: Decimal
    lines: tuple[CreditNoteLineData, ...]


def render_credit_note_pdf(note: CreditNoteDocumentData, operator: OperatorIdentity) -> bytes:
    """The PDF bytes of one credit note (avoir): it names the invoice it corrects and where the money went."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Avoir {note.credit_note_number}")
    pdf.setAuthor(operator.name)
    pdf.setSubject(f"Avoir {note.credit_note_number} sur la facture {note.invoice_number} - {note.client_name}")
    top = PAGE_HEIGHT - MARGIN
    right = PAGE_WIDTH - MARGIN
    page = _Page(pdf)

    def header(number: int) -> float:
        page.left(MARGIN, top, operator.name, BOLD, 14)
        page.left(MARGIN, top - 5 * mm, operator.address)
        page.left(MARGIN, top - 9 * mm, f"ICE {operator.ice}  -  RC {operator.rc}  -  IF {operator.tax_identifier}")
        page.right(right, top, "AVOIR", BOLD, 16)
        page.right(right, top - 6 * mm, f"N° {note.credit_note_number}", REGULAR, 9.5)
        page.right(right, top - 10.5 * mm, f"Date d'émission : {_day(note.issue_date)}", REGULAR, 9.5)
        page.right(
            right,
            top - 15 * mm,
            f"Facture corrigée : {note.invoice_number} du {_day(note.invoice_issue_date)}",
            REGULAR,
            9.5,
        )
        if number > 1:
            page.right(right, top - 19.5 * mm, f"Page {number}", REGULAR, 9.5)
        client_top = top - 30 * mm
        page.left(MARGIN, client_top, "Client", BOLD, 10)
        page.left(MARGIN, client_top - 5 * mm, note.client_name, REGULAR, 9.5)
        page.left(MARGIN, client_top - 9.5 * mm, f"CIN : {note.client_cin}", REGULAR, 9.5)
        if note.client_address:
            page.left(MARGIN, client_top - 14 * mm, note.client_address[:110], REGULAR, 9.5)
        page.left(
            MARGIN, client_top - 20 * mm, fit(f"Motif : {note.reason}", right - MARGIN, REGULAR, 9.5), REGULAR, 9.5
        )
        table_top = client_top - 28 * mm
        page.left(COLUMNS["description"], table_top, "Désignation", BOLD)
        page.left(COLUMNS["period"], table_top, "Période", BOLD)
        page.right(COLUMNS["days"], table_top, "Jours", BOLD)
        page.right(COLUMNS["amount"], table_top, "Montant HT", BOLD)
        pdf.line(MARGIN, table_top - 1.8 * mm, right, table_top - 1.8 * mm)
        return float(table_top - LINE_HEIGHT - 1 * mm)

    number = 1
    y = header(number)
    description_width = COLUMNS["period"] - COLUMNS["description"] - 2 * mm
    for line in note.lines:
        if y < BOTTOM_LIMIT:
            page.finish()
            pdf.showPage()
            number += 1
            page = _Page(pdf)
            y = header(number)
        page.left(COLUMNS["description"], y, fit(line.description, description_width))
        if line.period_start is not None and line.period_end is not None:
            page.left(COLUMNS["period"], y, f"{_day(line.period_start)}-{line.period_end.strftime('%d/%m')}")
        page.right(COLUMNS["days"], y, str(line.days) if line.days is not None else "-")
        page.right(COLUMNS["amount"], y, f"-{format_money(line.amount)}")
        y -= LINE_HEIGHT

    y -= 2 * mm
    pdf.line(PAGE_WIDTH / 2, y + 3 * mm, right, y + 3 * mm)
    label_x = right - 45 * mm
    rows = [
        ("Sous-total HT", f"-{_money(note.subtotal, note.currency)}", REGULAR, 9.5),
        (f"TVA {_rate(note.tax_rate)}", f"-{_money(note.tax_amount, note.currency)}", REGULAR, 9.5),
        ("Total TTC de l'avoir", f"-{_money(note.total, note.currency)}", BOLD, 11),
        ("Imputé sur la facture", _money(note.applied_to_invoice, note.currency), REGULAR, 9.5),
        ("Crédit au compte client", _money(note.to_credit_balance, note.currency), REGULAR, 9.5),
    ]
    for index, (label, value, font, size) in enumerate(rows):
        page.right(label_x, y - index * 1.1 * LINE_HEIGHT, label, font, size)
        page.right(right, y - index * 1.1 * LINE_HEIGHT, value, font, size)
    page.left(
        MARGIN,
        18 * mm,
        f"Avoir en dirhams marocains ({note.currency}) annulant tout ou partie de la facture {note.invoice_number}.",
        REGULAR,
        7.5,
    )
    page.left(
        MARGIN,
        14 * mm,
        f"{operator.name} - ICE {operator.ice} - RC {operator.rc} - IF {operator.tax_identifier}",
        REGULAR,
        7.5,
    )
    page.finish()
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
