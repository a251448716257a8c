"""clients: anonymised_at replaces deleted_at (written by nothing); an anonymised client is terminated

Revision ID: 20261201_1010
Revises: 20261201_1000
Create Date: 2026-12-01 10:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_1010"
down_revision: str | None = "20261201_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("uq_clients_cin_live", table_name="clients", postgresql_where=sa.text("deleted_at IS NULL"))
    op.alter_column("clients", "deleted_at", new_column_name="anonymised_at")
    op.create_index(
        "uq_clients_cin_live", "clients", ["cin"], unique=True, postgresql_where=sa.text("anonymised_at IS NULL")
    )
    op.create_check_constraint(
        op.f("ck_clients_anonymised_only_when_terminated"),
        "clients",
        "anonymised_at IS NULL OR status = 'terminated'",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_clients_anonymised_only_when_terminated"), "clients", type_="check")
    op.drop_index("uq_clients_cin_live", table_name="clients", postgresql_where=sa.text("anonymised_at IS NULL"))
    op.alter_column("clients", "anonymised_at", new_column_name="deleted_at")
    op.create_index(
        "uq_clients_cin_live", "clients", ["cin"], unique=True, postgresql_where=sa.text("deleted_at IS NULL")
    )
