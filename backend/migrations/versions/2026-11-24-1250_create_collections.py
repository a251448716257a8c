"""collections: payments and allocations, collection cases, actions and the outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 12:50:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=14, scale=2)
OPEN_CASE = "status IN ('open', 'in_progress', 'promise_to_pay')"


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="MAD", nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint(
            "method IN ('cash', 'card', 'bank_transfer', 'cheque', 'mobile_money')", name=op.f("ck_payments_method")
        ),
        sa.CheckConstraint("source IN ('payment', 'invoice_approval')", name=op.f("ck_payments_source")),
        sa.CheckConstraint("currency = 'MAD'", name=op.f("ck_payments_currency")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_payments_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_client_id_received_at", "payments", ["client_id", "received_at"])
    op.create_index("ix_payments_received_at", "payments", ["received_at"])

    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("payment_id", sa.UUID(), nullable=False),
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_allocations_payment_id_payments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_payment_allocations_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
        sa.UniqueConstraint("payment_id", "invoice_id", name="uq_payment_allocations_payment_invoice"),
    )
    op.create_index("ix_payment_allocations_invoice_id", "payment_allocations", ["invoice_id"])

    op.create_table(
        "collection_cases",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("total_overdue", MONEY, server_default=sa.text("0"), nullable=False),
        sa.Column("overdue_invoice_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("oldest_due_date", sa.Date(), nullable=True),
        sa.Column("days_past_due", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("aging_bucket", sa.String(length=10), server_default="0-30", nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=True),
        sa.Column("promised_amount", MONEY, nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'promise_to_pay', 'resolved', 'written_off')",
            name=op.f("ck_collection_cases_status"),
        ),
        sa.CheckConstraint(
            "aging_bucket IN ('0-30', '31-60', '61-90', '90+')", name=op.f("ck_collection_cases_aging_bucket")
        ),
        sa.CheckConstraint("total_overdue >= 0", name=op.f("ck_collection_cases_total_overdue_non_negative")),
        sa.CheckConstraint(
            "overdue_invoice_count >= 0", name=op.f("ck_collection_cases_overdue_invoice_count_non_negative")
        ),
        sa.CheckConstraint("days_past_due >= 0", name=op.f("ck_collection_cases_days_past_due_non_negative")),
        sa.CheckConstraint(
            "status <> 'promise_to_pay' OR (promised_date IS NOT NULL AND promised_amount > 0)",
            name=op.f("ck_collection_cases_promise_complete"),
        ),
        sa.CheckConstraint(
            "(status IN ('resolved', 'written_off')) = (closed_on IS NOT NULL)",
            name=op.f("ck_collection_cases_closed_on_when_closed"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_collection_cases_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_cases")),
    )
    # One open case per client: the evaluation joins it instead of opening another.
    op.create_index(
        "uq_collection_cases_client_open",
        "collection_cases",
        ["client_id"],
        unique=True,
        postgresql_where=sa.text(OPEN_CASE),
    )
    op.create_index("ix_collection_cases_client_id", "collection_cases", ["client_id"])
    op.create_index("ix_collection_cases_status_aging_bucket", "collection_cases", ["status", "aging_bucket"])

    op.create_table(
        "collection_case_invoices",
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("linked_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["collection_cases.id"],
            name=op.f("fk_collection_case_invoices_case_id_collection_cases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_collection_case_invoices_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("case_id", "invoice_id", name=op.f("pk_collection_case_invoices")),
    )
    op.create_index("ix_collection_case_invoices_invoice_id", "collection_case_invoices", ["invoice_id"])

    op.create_table(
        "collection_actions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("action_type", sa.String(length=30), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False
        ),
        sa.CheckConstraint(
            "action_type IN ('reminder_sms', 'reminder_email', 'warning_letter', 'call', 'suspension_notice')",
            name=op.f("ck_collection_actions_action_type"),
        ),
        sa.CheckConstraint("origin IN ('manual', 'dunning_policy')", name=op.f("ck_collection_actions_origin")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["collection_cases.id"],
            name=op.f("fk_collection_actions_case_id_collection_cases"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_actions")),
    )
    # The dunning policy fires each action once per case, even when two evaluations race.
    op.create_index(
        "uq_collection_actions_policy_once",
        "collection_actions",
        ["case_id", "action_type"],
        unique=True,
        postgresql_where=sa.text("origin = 'dunning_policy'"),
    )
    op.create_index("ix_collection_actions_case_id_created_at", "collection_actions", ["case_id", "created_at"])

    op.create_table(
        "outbox_events",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False
        ),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
    )
    op.create_index(
        "ix_outbox_events_undelivered",
        "outbox_events",
        ["created_at"],
        postgresql_where=sa.text("delivered_at IS NULL"),
    )
    op.create_index("ix_outbox_events_type", "outbox_events", ["type"])


def downgrade() -> None:
    op.drop_index("ix_outbox_events_type", table_name="outbox_events")
    op.drop_index("ix_outbox_events_undelivered", table_name="outbox_events")
    op.drop_table("outbox_events")
    op.drop_index("ix_collection_actions_case_id_created_at", table_name="collection_actions")
    op.drop_index("uq_collection_actions_policy_once", table_name="collection_actions")
    op.drop_table("collection_actions")
    op.drop_index("ix_collection_case_invoices_invoice_id", table_name="collection_case_invoices")
    op.drop_table("collection_case_invoices")
    op.drop_index("ix_collection_cases_status_aging_bucket", table_name="collection_cases")
    op.drop_index("ix_collection_cases_client_id", table_name="collection_cases")
    op.drop_index("uq_collection_cases_client_open", table_name="collection_cases")
    op.drop_table("collection_cases")
    op.drop_index("ix_payment_allocations_invoice_id", table_name="payment_allocations")
    op.drop_table("payment_allocations")
    op.drop_index("ix_payments_received_at", table_name="payments")
    op.drop_index("ix_payments_client_id_received_at", table_name="payments")
    op.drop_table("payments")
