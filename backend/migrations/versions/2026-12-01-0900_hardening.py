"""hardening: staff token versions, landing line submissions per CIN, landing one-time codes

Revision ID: 2026120109
Revises: 20261201_1010
Create Date: 2026-12-01 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026120109"
down_revision: str | None = "20261201_1010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("token_version", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.create_table(
        "landing_line_submissions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("cin_digest", sa.String(length=64), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=True),
        sa.Column("existing_client", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_landing_line_submissions_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landing_line_submissions")),
    )
    op.create_index("ix_landing_line_submissions_cin_day", "landing_line_submissions", ["cin_digest", "submitted_on"])
    op.create_table(
        "landing_otp_challenges",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("cin_digest", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("attempts_left", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("channel IN ('sms', 'email')", name=op.f("ck_landing_otp_challenges_channel")),
        sa.CheckConstraint("attempts_left >= 0", name=op.f("ck_landing_otp_challenges_attempts_left")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landing_otp_challenges")),
    )
    op.create_index("ix_landing_otp_challenges_cin_digest", "landing_otp_challenges", ["cin_digest", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_landing_otp_challenges_cin_digest", table_name="landing_otp_challenges")
    op.drop_table("landing_otp_challenges")
    op.drop_index("ix_landing_line_submissions_cin_day", table_name="landing_line_submissions")
    op.drop_table("landing_line_submissions")
    op.drop_column("users", "token_version")
