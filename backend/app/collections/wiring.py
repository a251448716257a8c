"""What collections registers when the application is wired (called by app.wiring.wire)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import credit_notes
from app.collections import cases, outbox, service
from app.customers import history


async def _follow_credit_note(session: AsyncSession, client_id: uuid.UUID, summary: dict[str, Any]) -> None:
    await outbox.publish(session, "credit_note.issued", summary)
    # A case whose invoices are settled by credit resolves like one settled by payment.
    await cases.settle_after_payment(session, client_id)


def wire() -> None:
    # Payment and collection history keep a client from being hard-deleted (spec 5.2).
    history.client_history_checks.register("payment", service._client_has_payments)
    history.client_history_checks.register("collection_case", service._client_has_cases)
    credit_notes.credit_note_followers.register("collections", _follow_credit_note)
