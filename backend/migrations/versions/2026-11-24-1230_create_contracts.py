"""contracts: subscribers, contracts, suspensions, documents, contract-number and mobile-number counters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 12:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("service_type", sa.String(length=20), nullable=False),
        sa.Column("phone_number", sa.String(length=13), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("activated_on", sa.Date(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "(service_type = 'mobile' AND substr(phone_number, 5, 1) IN ('6', '7')) OR (service_type <> 'mobile' AND substr(phone_number, 5, 1) IN ('5', '8'))",
            name=op.f("ck_subscribers_number_family"),
        ),
        sa.CheckConstraint(
            "phone_number ~ '^\\+212[5-8][0-9]{8}$'", name=op.f("ck_subscribers_phone_number_canonical")
        ),
        sa.CheckConstraint(
            "service_type IN ('mobile', 'fiber', 'adsl', 'landline')",
            name=op.f("ck_subscribers_service_type"),
        ),
        sa.CheckConstraint("status IN ('active', 'suspended', 'terminated')", name=op.f("ck_subscribers_status")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_subscribers_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribers")),
    )
    op.create_index("ix_subscribers_client_id", "subscribers", ["client_id"], unique=False)
    op.create_index(
        "uq_subscribers_number_live",
        "subscribers",
        ["phone_number"],
        unique=True,
        postgresql_where=sa.text("status <> 'terminated'"),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("contract_number", sa.String(length=20), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("offer_id", sa.UUID(), nullable=False),
        sa.Column("subscriber_id", sa.UUID(), nullable=False),
        sa.Column("service_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("replaced_contract_id", sa.UUID(), nullable=True),
        sa.Column("monthly_fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("activation_fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("activation_fee_pending", sa.Boolean(), nullable=False),
        sa.Column("terminated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint("decision IN ('created', 'upgraded', 'downgraded')", name=op.f("ck_contracts_decision")),
        sa.CheckConstraint(
            "service_type IN ('mobile', 'fiber', 'adsl', 'landline')", name=op.f("ck_contracts_service_type")
        ),
        sa.CheckConstraint("status IN ('active', 'suspended', 'terminated')", name=op.f("ck_contracts_status")),
        sa.CheckConstraint("activation_fee >= 0", name=op.f("ck_contracts_activation_fee_non_negative")),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date - 1", name=op.f("ck_contracts_dates")),
        sa.CheckConstraint("monthly_fee > 0", name=op.f("ck_contracts_monthly_fee_positive")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_contracts_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_contracts_offer_id_offers"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["replaced_contract_id"],
            ["contracts.id"],
            name=op.f("fk_contracts_replaced_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_contracts_subscriber_id_subscribers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("contract_number", name=op.f("uq_contracts_contract_number")),
    )
    op.create_index("ix_contracts_client_id_status", "contracts", ["client_id", "status"], unique=False)
    op.create_index("ix_contracts_offer_id", "contracts", ["offer_id"], unique=False)
    op.create_index("ix_contracts_subscriber_id", "contracts", ["subscriber_id"], unique=False)
    op.create_index(
        "uq_contracts_subscriber_live",
        "contracts",
        ["subscriber_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'terminated'"),
    )
    op.create_table(
        "contract_number_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_value >= 0", name=op.f("ck_contract_number_counters_last_value_non_negative")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_contract_number_counters")),
    )
    op.create_table(
        "number_allocation_cursors",
        sa.Column("pool", sa.String(length=40), nullable=False),
        sa.Column("next_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pool", name=op.f("pk_number_allocation_cursors")),
    )
    op.create_table(
        "contract_documents",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_documents_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_documents")),
    )
    op.create_index("ix_contract_documents_contract_id", "contract_documents", ["contract_id"], unique=False)
    op.create_table(
        "contract_suspensions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("suspended_from", sa.Date(), nullable=False),
        sa.Column("resumed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "resumed_on IS NULL OR resumed_on > suspended_from", name=op.f("ck_contract_suspensions_period")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_suspensions_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_suspensions")),
    )
    op.create_index("ix_contract_suspensions_contract_id", "contract_suspensions", ["contract_id"], unique=False)
    op.create_index(
        "uq_contract_suspensions_open",
        "contract_suspensions",
        ["contract_id"],
        unique=True,
        postgresql_where=sa.text("resumed_on IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_contract_suspensions_open",
        table_name="contract_suspensions",
        postgresql_where=sa.text("resumed_on IS NULL"),
    )
    op.drop_index("ix_contract_suspensions_contract_id", table_name="contract_suspensions")
    op.drop_table("contract_suspensions")
    op.drop_index("ix_contract_documents_contract_id", table_name="contract_documents")
    op.drop_table("contract_documents")
    op.drop_table("number_allocation_cursors")
    op.drop_table("contract_number_counters")
    op.drop_index(
        "uq_contracts_subscriber_live",
        table_name="contracts",
        postgresql_where=sa.text("status <> 'terminated'"),
    )
    op.drop_index("ix_contracts_subscriber_id", table_name="contracts")
    op.drop_index("ix_contracts_offer_id", table_name="contracts")
    op.drop_index("ix_contracts_client_id_status", table_name="contracts")
    op.drop_table("contracts")
    op.drop_index(
        "uq_subscribers_number_live",
        table_name="subscribers",
        postgresql_where=sa.text("status <> 'terminated'"),
    )
    op.drop_index("ix_subscribers_client_id", table_name="subscribers")
    op.drop_table("subscribers")
