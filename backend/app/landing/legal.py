"""Legal texts the public wizard shows before a submit (versioned so an acceptance can be traced)."""

from __future__ import annotations

from app.landing.schemas import LegalText

LEGAL_TEXTS: tuple[LegalText, ...] = (
    LegalText(
        id="terms_of_subscription",
        version="2026-11",
        title="Conditions générales d'abonnement",
        body=(
            "The subscription starts on the chosen start date and is billed monthly in Moroccan dirhams (MAD), "
            "taxes included at the legal VAT rate. The activation fee shown with the offer is billed once on "
            "the first invoice. A change of plan takes effect on its chosen start date; the previous plan ends "
            "the day before. Invoices are payable by their due date."
        ),
    ),
    LegalText(
        id="personal_data",
        version="2026-11",
        title="Protection des données personnelles (loi 09-08)",
        body=(
            "Your identity (CIN, names) and contact details are processed to provide and bill the service, in "
            "accordance with Moroccan law 09-08 on the protection of individuals with regard to the processing "
            "of personal data. You may exercise your rights of access, rectification and opposition with "
            "customer service. Unsubmitted wizard drafts are deleted after their expiry."
        ),
    ),
)
