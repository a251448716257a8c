"""clients: search_text, the stored lowercase text the clients search reads (one LIKE instead of seven ILIKEs)

Revision ID: 1500_clients_search_text
Revises: 1410_credit_notes
Create Date: 2026-12-02 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1500_clients_search_text"
down_revision: str | None = "1410_credit_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of app.customers.models.CLIENT_SEARCH_TEXT_SQL as of this revision.
SEARCH_TEXT_SQL = (
    "lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || chr(31) || "
    "coalesce(last_name, '') || ' ' || coalesce(first_name, '') || chr(31) || "
    "coalesce(company_name, '') || chr(31) || cin || chr(31) || coalesce(email, ''))"
)


def upgrade() -> None:
    op.add_column("clients", sa.Column("search_text", sa.Text(), sa.Computed(SEARCH_TEXT_SQL, persisted=True)))


def downgrade() -> None:
    op.drop_column("clients", "search_text")
