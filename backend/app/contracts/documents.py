"""The contract PDF: a one-page summary rendered server-side with reportlab at signature."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from app.catalog.components import SERVICE_LABELS
from app.catalog.models import Offer
from app.contracts.models import Contract, Subscriber
from app.customers.models import Client
from app.kit.money import format_money

TEMPLATE_VERSION = 1
_DECISION_LABELS = {
    "created": "Nouvelle ligne",
    "upgraded": "Changement d'offre (montée)",
    "downgraded": "Changement d'offre (baisse)",
}


@dataclass(frozen=True)
class ContractSheet:
    """Everything printed on the contract, as text, so rendering is a pure function of it."""

    contract_number: str
    decision: str
    client_name: str
    client_cin: str
    client_address: str
    offer_code: str
    offer_name: str
    service_label: str
    components: list[str]
    phone_number: str
    start_date: date
    monthly_fee: Decimal
    activation_fee: Decimal
    replaced_contract_number: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedDocument:
    content: bytes
    sha256: str
    filename: str

    @property
    def size_bytes(self) -> int:
        return len(self.content)


def _amount(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return f"{text} {unit}"


def offer_components(offer: Offer) -> list[str]:
    """The offer's components in words, as the client signs them."""
    lines: list[str] = []
    if offer.category == "mobile":
        if offer.mobile_data_gb is not None:
            lines.append(f"Internet mobile : {_amount(offer.mobile_data_gb, 'Go')}")
        if offer.mobile_calls_hours is not None:
            lines.append(f"Appels : {_amount(offer.mobile_calls_hours, 'h')}")
    elif offer.category == "internet":
        speed = offer.internet_fiber_speed_mbps if offer.service_type == "fiber" else offer.internet_adsl_speed_mbps
        lines.append(f"Accès {SERVICE_LABELS[offer.service_type]} : {speed} Mbit/s")
        lines.append("Ligne fixe incluse")
        if offer.internet_tv_included:
            lines.append("TV incluse")
    else:
        if offer.landline_national_included:
            lines.append("Appels nationaux inclus")
        if offer.landline_international_hours is not None:
            lines.append(f"International : {offer.landline_international_hours} h")
        if offer.landline_phone_hours is not None:
            lines.append(f"Téléphone : {offer.landline_phone_hours} h")
    return lines


def contract_sheet(
    contract: Contract, subscriber: Subscriber, client: Client, offer: Offer, replaced_number: str | None
) -> ContractSheet:
    address = ", ".join(part for part in (client.address, client.city) if part)
    notes = []
    if contract.activation_fee == 0 and contract.replaced_contract_id is not None:
        notes.append("Changement d'offre sur la même ligne : pas de frais d'activation.")
    return ContractSheet(
        contract_number=contract.contract_number,
        decision=contract.decision,
        client_name=client.display_name,
        client_cin=client.cin,
        client_address=address,
        offer_code=offer.code,
        offer_name=offer.name,
        service_label=SERVICE_LABELS[contract.service_type],
        components=offer_components(offer),
        phone_number=subscriber.phone_number,
        start_date=contract.start_date,
        monthly_fee=contract.monthly_fee,
        activation_fee=contract.activation_fee,
        replaced_contract_number=replaced_number,
        notes=notes,
    )


def render_contract_pdf(sheet: ContractSheet) -> RenderedDocument:
    """Render the sheet; `invariant` output makes the same sheet give the same bytes (and hash)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle(f"Contrat {sheet.contract_number}")
    pdf.setAuthor("MT-Facturation")
    pdf.setSubject(f"Contrat d'abonnement {sheet.contract_number}")
    width, height = A4
    left, y = 20 * mm, height - 25 * mm
    text_width = width - 40 * mm

    def line(text: str, *, size: int = 10, bold: bool = False, gap: float = 5.5) -> None:
        nonlocal y
        font = "Helvetica-Bold" if bold else "Helvetica"
        for chunk in simpleSplit(text, font, size, text_width) or [""]:
            pdf.setFont(font, size)
            pdf.drawString(left, y, chunk)
            y -= gap * mm

    line("MT-Facturation - Contrat d'abonnement", size=16, bold=True, gap=9)
    line(f"Contrat n° {sheet.contract_number}", size=12, bold=True, gap=7)
    line(f"Nature : {_DECISION_LABELS.get(sheet.decision, sheet.decision)}")
    if sheet.replaced_contract_number:
        line(f"Remplace le contrat n° {sheet.replaced_contract_number}")
    y -= 3 * mm
    line("Client", size=12, bold=True, gap=7)
    line(f"Nom : {sheet.client_name}")
    line(f"CIN : {sheet.client_cin}")
    if sheet.client_address:
        line(f"Adresse : {sheet.client_address}")
    y -= 3 * mm
    line("Offre", size=12, bold=True, gap=7)
    line(f"{sheet.offer_name} ({sheet.offer_code}) - {sheet.service_label}")
    for component in sheet.components:
        line(f"- {component}")
    y -= 3 * mm
    line("Ligne et dates", size=12, bold=True, gap=7)
    line(f"Numéro : {sheet.phone_number}")
    line(f"Date de début : {sheet.start_date.isoformat()}")
    y -= 3 * mm
    line("Frais", size=12, bold=True, gap=7)
    line(f"Abonnement mensuel : {format_money(sheet.monthly_fee)} MAD")
    line(f"Frais d'activation : {format_money(sheet.activation_fee)} MAD")
    for note in sheet.notes:
        line(note, size=9)
    pdf.showPage()
    pdf.save()
    content = buffer.getvalue()
    return RenderedDocument(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        filename=f"{sheet.contract_number}.pdf",
    )
