"""What customers registers when the application is wired (called by app.wiring.wire)."""

from __future__ import annotations

from app.customers.exceptions import ClientCinTaken
from app.errors import register_constraint_error


def wire() -> None:
    register_constraint_error("uq_clients_cin_live", ClientCinTaken, field="cin")
