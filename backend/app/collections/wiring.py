"""What collections registers when the application is wired (called by app.wiring.wire)."""

from __future__ import annotations

from app.collections import service
from app.customers import history


def wire() -> None:
    # Payment and collection history keep a client from being hard-deleted (spec 5.2).
    history.client_history_checks.register("payment", service._client_has_payments)
    history.client_history_checks.register("collection_case", service._client_has_cases)
