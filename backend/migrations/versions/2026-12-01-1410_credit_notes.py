"""credit notes: legal AV numbers, lines, PDFs, the invoice's credited state, client credit balances, refunds

Revision ID: 1410_credit_notes
Revises: 1400_billing_audit_fixes
Create Date: 2026-12-01 14:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "1410_credit_notes"
down_revision: str | None = "1400_billing_audit_fixes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=14, scale=2)
TAX_RATE = sa.Numeric(precision=6, scale=4)

# A credit note is a legal document from the moment it is written (its PDF is stored in the same
# transaction): nothing of it ever changes, and its lines are exactly the declared number, written once.
CREDIT_NOTE_IMMUTABILITY = """
CREATE FUNCTION billing_credit_note_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credit note % is issued and immutable', OLD.credit_note_number
        USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'credit_note_immutable';
END;
$$;
CREATE TRIGGER trg_credit_notes_immutable BEFORE UPDATE OR DELETE ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION billing_credit_note_immutable();

CREATE FUNCTION billing_credit_note_line_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF (SELECT count(*) FROM credit_note_lines WHERE credit_note_id = NEW.credit_note_id)
           >= (SELECT lines_count FROM credit_notes WHERE id = NEW.credit_note_id) THEN
            RAISE EXCEPTION 'lines cannot be added to an issued credit note'
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'credit_note_immutable';
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'lines of an issued credit note cannot change'
        USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'credit_note_immutable';
END;
$$;
CREATE TRIGGER trg_credit_note_lines_immutable BEFORE INSERT OR UPDATE OR DELETE ON credit_note_lines
    FOR EACH ROW EXECUTE FUNCTION billing_credit_note_line_immutable();

CREATE FUNCTION billing_credit_note_document_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a stored credit note document cannot be changed or deleted'
        USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'credit_note_immutable';
END;
$$;
CREATE TRIGGER trg_credit_note_documents_immutable BEFORE UPDATE OR DELETE ON credit_note_documents
    FOR EACH ROW EXECUTE FUNCTION billing_credit_note_document_immutable();
"""


def upgrade() -> None:
    # What credit notes did to the invoice: credited_amount (the notes' totals, never above the total) and
    # credit_applied (credit money settling it: its own notes up to the outstanding, or a client balance).
    op.add_column("invoices", sa.Column("credited_amount", MONEY, server_default=sa.text("0"), nullable=False))
    op.add_column("invoices", sa.Column("credit_applied", MONEY, server_default=sa.text("0"), nullable=False))
    op.drop_column("invoices", "outstanding_amount")
    op.add_column(
        "invoices",
        sa.Column(
            "outstanding_amount",
            MONEY,
            sa.Computed("total - paid_amount - credit_applied", persisted=True),
            nullable=False,
        ),
    )
    for name in ("status", "paid_within_total", "status_matches_payment", "unpaid_when_draft"):
        op.drop_constraint(op.f(f"ck_invoices_{name}"), "invoices", type_="check")
    op.create_check_constraint(
        op.f("ck_invoices_status"),
        "invoices",
        "status IN ('draft', 'issued', 'overdue', 'paid', 'credited', 'discarded')",
    )
    op.create_check_constraint(
        op.f("ck_invoices_paid_within_total"),
        "invoices",
        "paid_amount >= 0 AND credit_applied >= 0 AND paid_amount + credit_applied <= total",
    )
    op.create_check_constraint(
        op.f("ck_invoices_credited_within_total"), "invoices", "credited_amount >= 0 AND credited_amount <= total"
    )
    # paid/credited: nothing outstanding; credited: the whole total was credited; issued/overdue: something owed.
    op.create_check_constraint(
        op.f("ck_invoices_status_matches_payment"),
        "invoices",
        "status IN ('draft', 'discarded') OR ("
        "(status IN ('paid', 'credited')) = (paid_amount + credit_applied = total) "
        "AND (status = 'credited') = (credited_amount = total))",
    )
    op.create_check_constraint(
        op.f("ck_invoices_unpaid_when_draft"),
        "invoices",
        "status NOT IN ('draft', 'discarded') OR (paid_amount = 0 AND credit_applied = 0 AND credited_amount = 0)",
    )

    op.create_table(
        "credit_note_number_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("last_number >= 0", name=op.f("ck_credit_note_number_counters_last_number_non_negative")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_credit_note_number_counters")),
    )
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("credit_note_number", sa.String(length=20), nullable=False),
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="MAD", nullable=False),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("tax_rate", TAX_RATE, nullable=False),
        sa.Column("tax_amount", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("applied_to_invoice", MONEY, nullable=False),
        sa.Column("to_credit_balance", MONEY, nullable=False),
        sa.Column("lines_count", sa.Integer(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint("kind IN ('invoice', 'lines', 'amount', 'correction')", name=op.f("ck_credit_notes_kind")),
        sa.CheckConstraint(
            "subtotal > 0 AND tax_amount >= 0 AND total = subtotal + tax_amount", name=op.f("ck_credit_notes_totals")
        ),
        sa.CheckConstraint(
            "applied_to_invoice >= 0 AND to_credit_balance >= 0 AND applied_to_invoice + to_credit_balance = total",
            name=op.f("ck_credit_notes_split"),
        ),
        sa.CheckConstraint(
            "credit_note_number ~ '^AV-[0-9]{4}-[0-9]{6,}$'", name=op.f("ck_credit_notes_number_format")
        ),
        sa.CheckConstraint("lines_count > 0", name=op.f("ck_credit_notes_lines_count")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_credit_notes_invoice_id_invoices"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_credit_notes_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("credit_note_number", name=op.f("uq_credit_notes_credit_note_number")),
    )
    op.create_index("ix_credit_notes_invoice_id", "credit_notes", ["invoice_id"])
    op.create_index("ix_credit_notes_client_id_issue_date", "credit_notes", ["client_id", "issue_date"])
    op.create_table(
        "credit_note_lines",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("credit_note_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("invoice_line_id", sa.UUID(), nullable=True),
        sa.Column("contract_id", sa.UUID(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("days", sa.SmallInteger(), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_credit_note_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_credit_note_lines_credit_note_id_credit_notes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_line_id"],
            ["invoice_lines.id"],
            name=op.f("fk_credit_note_lines_invoice_line_id_invoice_lines"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_note_lines")),
        sa.UniqueConstraint("credit_note_id", "position", name="uq_credit_note_lines_position"),
    )
    op.create_index("ix_credit_note_lines_invoice_line_id", "credit_note_lines", ["invoice_line_id"])
    op.create_table(
        "credit_note_documents",
        sa.Column("credit_note_id", sa.UUID(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_credit_note_documents_credit_note_id_credit_notes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("credit_note_id", name=op.f("pk_credit_note_documents")),
    )
    op.create_table(
        "client_credit_balances",
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_client_credit_balances_balance_non_negative")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_credit_balances_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_credit_balances")),
    )
    op.create_table(
        "client_credit_movements",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("credit_note_id", sa.UUID(), nullable=True),
        sa.Column("invoice_id", sa.UUID(), nullable=True),
        sa.Column("payment_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        # credit_note: + (credit beyond the invoice's outstanding); payment / billing_run: − (applied to an
        # invoice); refund: − (paid back to the client).
        sa.CheckConstraint(
            "source IN ('credit_note', 'payment', 'billing_run', 'refund')",
            name=op.f("ck_client_credit_movements_source"),
        ),
        sa.CheckConstraint(
            "(source = 'credit_note') = (amount > 0) AND amount <> 0", name=op.f("ck_client_credit_movements_sign")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_credit_movements_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_client_credit_movements_credit_note_id_credit_notes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_client_credit_movements_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_credit_movements")),
    )
    op.create_index("ix_client_credit_movements_client_id", "client_credit_movements", ["client_id"])
    op.create_index("ix_client_credit_movements_invoice_id", "client_credit_movements", ["invoice_id"])
    op.execute(CREDIT_NOTE_IMMUTABILITY)

    op.drop_constraint(op.f("ck_payments_source"), "payments", type_="check")
    op.create_check_constraint(
        op.f("ck_payments_source"), "payments", "source IN ('payment', 'invoice_approval', 'refund')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_payments_source"), "payments", type_="check")
    op.create_check_constraint(op.f("ck_payments_source"), "payments", "source IN ('payment', 'invoice_approval')")
    for table in (
        "client_credit_movements",
        "client_credit_balances",
        "credit_note_documents",
        "credit_note_lines",
        "credit_notes",
        "credit_note_number_counters",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION billing_credit_note_immutable()")
    op.execute("DROP FUNCTION billing_credit_note_line_immutable()")
    op.execute("DROP FUNCTION billing_credit_note_document_immutable()")
    for name in ("status", "paid_within_total", "credited_within_total", "status_matches_payment", "unpaid_when_draft"):
        op.drop_constraint(op.f(f"ck_invoices_{name}"), "invoices", type_="check")
    op.drop_column("invoices", "outstanding_amount")
    op.drop_column("invoices", "credit_applied")
    op.drop_column("invoices", "credited_amount")
    op.add_column(
        "invoices", sa.Column("outstanding_amount", MONEY, sa.Computed("total - paid_amount", persisted=True))
    )
    op.create_check_constraint(
        op.f("ck_invoices_status"), "invoices", "status IN ('draft', 'issued', 'overdue', 'paid', 'discarded')"
    )
    op.create_check_constraint(
        op.f("ck_invoices_paid_within_total"), "invoices", "paid_amount >= 0 AND paid_amount <= total"
    )
    op.create_check_constraint(
        op.f("ck_invoices_status_matches_payment"),
        "invoices",
        "(status = 'paid') = (paid_amount = total) OR status IN ('draft', 'discarded')",
    )
    op.create_check_constraint(
        op.f("ck_invoices_unpaid_when_draft"), "invoices", "status NOT IN ('draft', 'discarded') OR paid_amount = 0"
    )
