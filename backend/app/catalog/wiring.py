"""What the catalog registers when the application is wired (called by app.wiring.wire)."""

from __future__ import annotations

from app.catalog.exceptions import OfferCodeTaken
from app.errors import register_constraint_error


def wire() -> None:
    register_constraint_error("uq_offers_code", OfferCodeTaken, field="code")
