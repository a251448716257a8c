"""landing: drafts of the public subscription wizard

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 13:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "landing_drafts",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contract_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint("status IN ('open', 'submitted')", name=op.f("ck_landing_drafts_status")),
        sa.CheckConstraint("expires_at > created_at", name=op.f("ck_landing_drafts_expiry_after_creation")),
        sa.CheckConstraint(
            "status = 'open' OR submitted_at IS NOT NULL",
            name=op.f("ck_landing_drafts_submitted_at_when_submitted"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_landing_drafts_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landing_drafts")),
    )
    op.create_index("ix_landing_drafts_expires_at", "landing_drafts", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_landing_drafts_expires_at", table_name="landing_drafts")
    op.drop_table("landing_drafts")
