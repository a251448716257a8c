"""customers: clients

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cin", sa.String(length=10), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("company_name", sa.String(length=200), nullable=True),
        sa.Column("ice", sa.String(length=15), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=13), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'individual' AND first_name IS NOT NULL AND last_name IS NOT NULL) OR (kind = 'business' AND company_name IS NOT NULL AND ice IS NOT NULL)",
            name=op.f("ck_clients_names_by_kind"),
        ),
        sa.CheckConstraint("cin ~ '^[A-Z]{1,2}[0-9]{1,8}$'", name=op.f("ck_clients_cin_format")),
        sa.CheckConstraint("ice IS NULL OR ice ~ '^[0-9]{15}$'", name=op.f("ck_clients_ice_format")),
        sa.CheckConstraint("kind IN ('individual', 'business')", name=op.f("ck_clients_kind")),
        sa.CheckConstraint("phone IS NULL OR phone ~ '^\\+212[5-8][0-9]{8}$'", name=op.f("ck_clients_phone_canonical")),
        sa.CheckConstraint("status IN ('active', 'delinquent', 'terminated')", name=op.f("ck_clients_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    op.create_index("ix_clients_email", "clients", [sa.literal_column("lower(email)")], unique=False)
    op.create_index("ix_clients_phone", "clients", ["phone"], unique=False)
    op.create_index("ix_clients_status", "clients", ["status"], unique=False)
    op.create_index(
        "uq_clients_cin_live", "clients", ["cin"], unique=True, postgresql_where=sa.text("deleted_at IS NULL")
    )


def downgrade() -> None:
    op.drop_index("uq_clients_cin_live", table_name="clients", postgresql_where=sa.text("deleted_at IS NULL"))
    op.drop_index("ix_clients_status", table_name="clients")
    op.drop_index("ix_clients_phone", table_name="clients")
    op.drop_index("ix_clients_email", table_name="clients")
    op.drop_table("clients")
