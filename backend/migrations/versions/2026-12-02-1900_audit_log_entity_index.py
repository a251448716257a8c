"""audit_log: indexes for the trails the workspace reads (one record's history, an invoice's credit notes)

Revision ID: 1900_audit_log_entity_index
Revises: 1500_clients_search_text
Create Date: 2026-12-02 19:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1900_audit_log_entity_index"
down_revision: str | None = "1500_clients_search_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A client's History tab and an invoice's trail read WHERE entity_type = ? AND entity_id = ? ORDER BY id
    # DESC LIMIT n: without this every page view scanned the whole append-only log.
    op.create_index("ix_audit_log_entity", "audit_log", ["entity_type", "entity_id", "id"])
    # The invoice page's credit notes (GET /audit-events?credited_invoice_id=): credit_note.issued records
    # name their invoice only inside `after`.
    op.create_index(
        "ix_audit_log_credited_invoice",
        "audit_log",
        [sa.text("(after ->> 'invoice_id')")],
        postgresql_where=sa.text("action = 'credit_note.issued'"),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_log_credited_invoice", table_name="audit_log")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
