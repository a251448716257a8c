"""What the landing registers when the application is wired (called by app.wiring.wire)."""

from __future__ import annotations

from app.customers import history
from app.landing import service


def wire() -> None:
    # Drafts copy a visitor's personal data: anonymising the client erases them there too (law 09-08).
    history.personal_data_erasers.register("landing_draft", service.erase_drafts_of_cin)
