"""Read access to the audit log for admins and auditors."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import BigInteger, cast, func, select

from app.auth.deps import AdminOrAuditorDep
from app.db import SessionDep
from app.kit.audit import AuditAction, AuditEntity, AuditRecord, credited_invoice_of
from app.kit.pagination import Page, PageDep, fetch_page

router = APIRouter(prefix="/api/v1/audit-events", tags=["audit"])


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor: str
    role: str
    action: AuditAction
    entity_type: AuditEntity
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    correlation_id: str | None


@router.get("", operation_id="audit-events-list", summary="Audit trail (newest first)")
async def list_audit_events(
    session: SessionDep,
    page: PageDep,
    _: AdminOrAuditorDep,
    entity_type: AuditEntity | None = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    action: AuditAction | None = None,
    correlation_id: Annotated[str | None, Query(max_length=128)] = None,
    issued_invoice_number: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=r"^[A-Z]+-[0-9]{4}-[0-9]+$",
            description="Only the billing run's `invoices.issued` record of the batch that issued this invoice "
            "number (a run audits each batch of consecutive numbers once, not each invoice).",
        ),
    ] = None,
    credited_invoice_id: Annotated[
        uuid.UUID | None,
        Query(
            description="Only the `credit_note.issued` records of the credit notes on this invoice (a credit note "
            "is audited as its own entity, so the invoice's own records do not hold them).",
        ),
    ] = None,
) -> Page[AuditEventRead]:
    stmt = select(AuditRecord).order_by(AuditRecord.id.desc())
    if entity_type:
        stmt = stmt.where(AuditRecord.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditRecord.entity_id == entity_id)
    if action:
        stmt = stmt.where(AuditRecord.action == action)
    if correlation_id:
        stmt = stmt.where(AuditRecord.correlation_id == correlation_id)
    if credited_invoice_id:
        stmt = stmt.where(
            AuditRecord.action == "credit_note.issued",
            credited_invoice_of(AuditRecord) == str(credited_invoice_id),
        )
    if issued_invoice_number:
        stmt = stmt.where(AuditRecord.action == "invoices.issued", *_batch_holds(issued_invoice_number))
    rows, total = await fetch_page(session, stmt, page)
    return Page(
        items=[AuditEventRead.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


def _batch_holds(invoice_number: str) -> list[Any]:
    """The batch's first and last numbers are of the same series (prefix and year) as the number, and its
    sequence lies between theirs, compared as integers (the padding may grow beyond six digits)."""
    series, sequence = invoice_number.rsplit("-", 1)
    first = AuditRecord.after["first_invoice_number"].astext
    last = AuditRecord.after["last_invoice_number"].astext

    def number_of(column: Any) -> Any:
        return cast(func.substring(column, "[0-9]+$"), BigInteger)

    return [
        func.regexp_replace(first, "-[0-9]+$", "") == series,
        number_of(first) <= int(sequence),
        number_of(last) >= int(sequence),
    ]
