"""catalog: offers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 12:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("service_type", sa.String(length=20), nullable=False),
        sa.Column("monthly_fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("activation_fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mobile_data_gb", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("mobile_calls_hours", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("internet_access_type", sa.String(length=10), nullable=True),
        sa.Column("internet_fiber_speed_mbps", sa.Integer(), nullable=True),
        sa.Column("internet_adsl_speed_mbps", sa.Integer(), nullable=True),
        sa.Column("internet_landline_included", sa.Boolean(), nullable=True),
        sa.Column("internet_tv_included", sa.Boolean(), nullable=True),
        sa.Column("landline_national_included", sa.Boolean(), nullable=True),
        sa.Column("landline_international_hours", sa.Integer(), nullable=True),
        sa.Column("landline_phone_hours", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "(category = 'mobile' AND service_type = 'mobile') OR (category = 'internet' AND service_type = internet_access_type) OR (category = 'landline' AND service_type = 'landline')",
            name=op.f("ck_offers_service_type_matches_category"),
        ),
        sa.CheckConstraint(
            "category <> 'internet' OR (internet_landline_included IS TRUE AND ((internet_access_type = 'fiber' AND internet_fiber_speed_mbps IS NOT NULL AND internet_adsl_speed_mbps IS NULL) OR (internet_access_type = 'adsl' AND internet_adsl_speed_mbps IS NOT NULL AND internet_fiber_speed_mbps IS NULL)))",
            name=op.f("ck_offers_internet_components"),
        ),
        sa.CheckConstraint(
            "category <> 'landline' OR (landline_national_included IS TRUE OR landline_international_hours IS NOT NULL OR landline_phone_hours IS NOT NULL)",
            name=op.f("ck_offers_landline_components"),
        ),
        sa.CheckConstraint(
            "category <> 'mobile' OR (mobile_data_gb IS NOT NULL OR mobile_calls_hours IS NOT NULL)",
            name=op.f("ck_offers_mobile_components"),
        ),
        sa.CheckConstraint("category IN ('mobile', 'internet', 'landline')", name=op.f("ck_offers_category")),
        sa.CheckConstraint("status IN ('active', 'retired')", name=op.f("ck_offers_status")),
        sa.CheckConstraint("activation_fee >= 0", name=op.f("ck_offers_activation_fee_non_negative")),
        sa.CheckConstraint("monthly_fee > 0", name=op.f("ck_offers_monthly_fee_positive")),
        sa.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_offers_validity_window")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("code", name=op.f("uq_offers_code")),
    )
    op.create_index("ix_offers_category_status", "offers", ["category", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_offers_category_status", table_name="offers")
    op.drop_table("offers")
