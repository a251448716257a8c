"""billing: Procrastinate's job schema, billing runs, invoices, lines, PDFs and the billing guards

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 12:40:00+00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=14, scale=2)
TAX_RATE = sa.Numeric(precision=6, scale=4)

# Once an invoice leaves 'draft' it is a legal document: only its payment state, status and PDF
# metadata may move. Corrections are credit notes, never edits.
INVOICE_IMMUTABILITY = """
CREATE FUNCTION billing_invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' AND OLD.status <> 'discarded' THEN
            RAISE EXCEPTION 'invoice % is issued and cannot be deleted', OLD.invoice_number
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_immutable';
        END IF;
        RETURN OLD;
    END IF;
    -- A draft is a preview: it can only be discarded, never become a legal invoice (numbers are taken at
    -- issue by a run, without gaps); a discarded draft stays discarded.
    IF (OLD.status = 'draft' AND NEW.status NOT IN ('draft', 'discarded'))
       OR (OLD.status = 'discarded' AND NEW.status <> 'discarded') THEN
        RAISE EXCEPTION 'a draft invoice can only be discarded'
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_immutable';
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.invoice_number IS DISTINCT FROM OLD.invoice_number
        OR NEW.client_id IS DISTINCT FROM OLD.client_id
        OR NEW.billing_run_id IS DISTINCT FROM OLD.billing_run_id
        OR NEW.period_start IS DISTINCT FROM OLD.period_start
        OR NEW.period_end IS DISTINCT FROM OLD.period_end
        OR NEW.issue_date IS DISTINCT FROM OLD.issue_date
        OR NEW.due_date IS DISTINCT FROM OLD.due_date
        OR NEW.currency IS DISTINCT FROM OLD.currency
        OR NEW.subtotal IS DISTINCT FROM OLD.subtotal
        OR NEW.tax_rate IS DISTINCT FROM OLD.tax_rate
        OR NEW.tax_amount IS DISTINCT FROM OLD.tax_amount
        OR NEW.total IS DISTINCT FROM OLD.total
        OR NEW.lines_count IS DISTINCT FROM OLD.lines_count
        OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR (OLD.status <> 'discarded' AND NEW.status IN ('draft', 'discarded'))
        OR (OLD.pdf_sha256 IS NOT NULL AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256)
    ) THEN
        RAISE EXCEPTION 'invoice % is issued and immutable', OLD.invoice_number
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_immutable';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER trg_invoices_immutable BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_immutable();
"""

# Lines of an issued invoice never change. A run writes the lines of a new invoice in the same
# transaction, just before the invoice row itself (the foreign key is deferred), so at insert time the
# parent is either absent (being issued right now) or a draft. Inserts are checked once per statement
# (a run inserts thousands of lines at a time), updates and deletes row by row.
INVOICE_LINES_IMMUTABILITY = """
CREATE FUNCTION billing_invoice_line_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM invoices WHERE id = OLD.invoice_id AND status <> 'draft')
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM invoices WHERE id = NEW.invoice_id AND status <> 'draft')) THEN
        RAISE EXCEPTION 'lines of an issued invoice cannot change'
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_lines_immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER trg_invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_line_immutable();

-- One index lookup per parent, never a scan of every invoice, whatever the statement's size or the
-- statistics the session's cached plan was made with: the lateral subquery keeps the inserted invoice
-- ids on the outer side, and without sequential scans its only path is the primary key. (A plan made
-- while `invoices` was empty, then reused by a worker's session for a whole run, used to scan every
-- invoice for each statement: quadratic.)
CREATE FUNCTION billing_invoice_lines_inserted() RETURNS trigger LANGUAGE plpgsql
    SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM (SELECT DISTINCT invoice_id FROM inserted_lines) AS n
        CROSS JOIN LATERAL (SELECT i.status FROM invoices i WHERE i.id = n.invoice_id LIMIT 1) AS i
        WHERE i.status <> 'draft'
    ) THEN
        RAISE EXCEPTION 'lines cannot be added to an issued invoice'
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_lines_immutable';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER trg_invoice_lines_inserted AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS inserted_lines
    FOR EACH STATEMENT EXECUTE FUNCTION billing_invoice_lines_inserted();
"""

# Days first..last of one calendar month as bits (bit d-1 = day d): 2^last - 2^(first-1). Inlined by the
# planner (plain SQL, immutable), so the run's set-based statements pay no function call per row.
DAY_MASK_FUNCTION = """
CREATE FUNCTION billing_day_mask(first_day date, last_day date) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (1::bigint << extract(day FROM last_day)::int) - (1::bigint << (extract(day FROM first_day)::int - 1))
$$;
"""


# The last day billed for a contract: the highest day bit of its latest billed month (a row exists only
# with at least one day set). Billed days are claimed only by real runs, in the transaction that issues
# their invoices, and an issued invoice is never discarded: these are exactly the days legal invoices cover.
BILLED_THROUGH_FUNCTION = """
CREATE FUNCTION billing_contract_billed_through(contract uuid) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT billed_month + (length(ltrim(days_mask::bit(32)::text, '0')) - 1)
    FROM billed_contract_months
    WHERE contract_id = contract
    ORDER BY billed_month DESC
    LIMIT 1
$$;
"""

# Nothing billed twice, also for changes dated back: a contract cannot end (plan change, termination)
# or be suspended inside days already invoiced, which the client has paid for (corrections are credit
# notes). The contracts service refuses such dates first with a 409 naming the field; these triggers
# guard every other writer.
BILLED_DAYS_GUARDS = """
CREATE FUNCTION billing_contract_end_after_billed_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    billed date;
BEGIN
    IF NEW.end_date IS NOT NULL AND NEW.end_date < COALESCE(OLD.end_date, 'infinity'::date) THEN
        billed := billing_contract_billed_through(NEW.id);
        IF billed IS NOT NULL AND NEW.end_date < billed THEN
            RAISE EXCEPTION 'contract % is billed through %; it cannot end on %', NEW.contract_number, billed,
                NEW.end_date
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'period_already_billed';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER trg_contracts_end_after_billed_days BEFORE UPDATE OF end_date ON contracts
    FOR EACH ROW EXECUTE FUNCTION billing_contract_end_after_billed_days();

CREATE FUNCTION billing_suspension_after_billed_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    billed date;
BEGIN
    billed := billing_contract_billed_through(NEW.contract_id);
    IF billed IS NOT NULL AND NEW.suspended_from <= billed THEN
        RAISE EXCEPTION 'the contract is billed through %; a suspension cannot start on %', billed,
            NEW.suspended_from
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'period_already_billed';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER trg_contract_suspensions_after_billed_days BEFORE INSERT ON contract_suspensions
    FOR EACH ROW EXECUTE FUNCTION billing_suspension_after_billed_days();
"""


def _procrastinate_schema() -> str:
    return SchemaManager.get_schema()


def upgrade() -> None:
    # The job queue's own schema, exactly as the installed Procrastinate ships it. Executed through the
    # driver without parameters, so its '%' placeholders in RAISE messages stay as they are.
    op.get_bind().connection.driver_connection.execute(_procrastinate_schema())  # type: ignore[union-attr]

    op.create_table(
        "billing_runs",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("tax_rate", TAX_RATE, nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("chunks_total", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("clients_total", sa.Integer(), nullable=False),
        sa.Column("clients_processed", sa.Integer(), nullable=False),
        sa.Column("clients_failed", sa.Integer(), nullable=False),
        sa.Column("contracts_count", sa.Integer(), nullable=False),
        sa.Column("invoices_count", sa.Integer(), nullable=False),
        sa.Column("lines_count", sa.Integer(), nullable=False),
        sa.Column("total_amount", MONEY, nullable=False),
        sa.Column("pdfs_rendered", sa.Integer(), nullable=False),
        sa.Column("pdfs_ready", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pdfs_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed')", name=op.f("ck_billing_runs_status")
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_billing_runs_period")),
        sa.CheckConstraint("due_days BETWEEN 0 AND 365", name=op.f("ck_billing_runs_due_days")),
        sa.CheckConstraint("tax_rate >= 0 AND tax_rate < 1", name=op.f("ck_billing_runs_tax_rate")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_runs")),
    )
    op.create_index("ix_billing_runs_created_at", "billing_runs", ["created_at"])

    op.create_table(
        "billing_run_chunks",
        sa.Column("billing_run_id", sa.UUID(), nullable=False),
        sa.Column("chunk_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("lower_client_id", sa.UUID(), nullable=True),
        sa.Column("upper_client_id", sa.UUID(), nullable=True),
        sa.Column("planned_clients", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("invoices_count", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'done')", name=op.f("ck_billing_run_chunks_status")),
        sa.ForeignKeyConstraint(
            ["billing_run_id"],
            ["billing_runs.id"],
            name=op.f("fk_billing_run_chunks_billing_run_id_billing_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("billing_run_id", "chunk_index", name=op.f("pk_billing_run_chunks")),
    )

    op.create_table(
        "billing_run_failures",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("billing_run_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["billing_run_id"],
            ["billing_runs.id"],
            name=op.f("fk_billing_run_failures_billing_run_id_billing_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_billing_run_failures_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_run_failures")),
        sa.UniqueConstraint("billing_run_id", "client_id", name="uq_billing_run_failures_run_client"),
    )

    op.create_table(
        "invoices",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("invoice_number", sa.String(length=20), nullable=True),
        sa.Column("billing_run_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="MAD", nullable=False),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("tax_rate", TAX_RATE, nullable=False),
        sa.Column("tax_amount", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("lines_count", sa.Integer(), nullable=False),
        sa.Column("paid_amount", MONEY, server_default=sa.text("0"), nullable=False),
        sa.Column("outstanding_amount", MONEY, sa.Computed("total - paid_amount", persisted=True), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("pdf_storage", sa.String(length=20), nullable=True),
        sa.Column("pdf_rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'issued', 'overdue', 'paid', 'discarded')", name=op.f("ck_invoices_status")
        ),
        sa.CheckConstraint("paid_amount >= 0 AND paid_amount <= total", name=op.f("ck_invoices_paid_within_total")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_invoices_period")),
        sa.CheckConstraint("due_date >= issue_date", name=op.f("ck_invoices_due_after_issue")),
        # A client whose lines add up to zero gets no invoice: every invoice has something to pay.
        sa.CheckConstraint(
            "subtotal > 0 AND tax_amount >= 0 AND total = subtotal + tax_amount", name=op.f("ck_invoices_totals")
        ),
        # The status tells the payment state: paid means nothing outstanding, issued/overdue something
        # outstanding, and a draft or a discarded draft never receives money.
        sa.CheckConstraint(
            "(status = 'paid') = (paid_amount = total) OR status IN ('draft', 'discarded')",
            name=op.f("ck_invoices_status_matches_payment"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('draft', 'discarded') OR paid_amount = 0", name=op.f("ck_invoices_unpaid_when_draft")
        ),
        sa.CheckConstraint(
            "(status IN ('draft', 'discarded')) = (invoice_number IS NULL)",
            name=op.f("ck_invoices_number_when_issued"),
        ),
        sa.CheckConstraint(
            "invoice_number IS NULL OR invoice_number ~ '^FAC-[0-9]{4}-[0-9]{6,}$'",
            name=op.f("ck_invoices_number_format"),
        ),
        sa.ForeignKeyConstraint(
            ["billing_run_id"],
            ["billing_runs.id"],
            name=op.f("fk_invoices_billing_run_id_billing_runs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_invoices_client_id_clients"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("invoice_number", name=op.f("uq_invoices_invoice_number")),
        sa.UniqueConstraint("billing_run_id", "client_id", name="uq_invoices_run_client"),
    )
    op.create_index("ix_invoices_client_id_issue_date", "invoices", ["client_id", "issue_date"])
    op.create_index("ix_invoices_status_due_date", "invoices", ["status", "due_date"])

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("service_type", sa.String(length=20), nullable=False),
        sa.Column("offer_id", sa.UUID(), nullable=False),
        sa.Column("offer_name", sa.String(length=120), nullable=False),
        sa.Column("phone_number", sa.String(length=13), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("active_days", sa.SmallInteger(), nullable=False),
        sa.Column("days_in_period", sa.SmallInteger(), nullable=False),
        sa.Column("unit_amount", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.CheckConstraint("kind IN ('recurring', 'activation')", name=op.f("ck_invoice_lines_kind")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_invoice_lines_period")),
        sa.CheckConstraint(
            "active_days >= 0 AND active_days <= days_in_period", name=op.f("ck_invoice_lines_active_days")
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_invoice_lines_amount_non_negative")),
        sa.CheckConstraint("unit_amount >= 0", name=op.f("ck_invoice_lines_unit_amount_non_negative")),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="RESTRICT",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    op.create_index("ix_invoice_lines_invoice_id", "invoice_lines", ["invoice_id"])

    op.create_table(
        "invoice_documents",
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_documents_invoice_id_invoices"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_invoice_documents")),
    )

    op.create_table(
        "billed_contract_months",
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("billed_month", sa.Date(), nullable=False),
        sa.Column("days_mask", sa.BigInteger(), nullable=False),
        sa.Column("last_billing_run_id", sa.UUID(), nullable=False),
        sa.CheckConstraint("extract(day from billed_month) = 1", name=op.f("ck_billed_contract_months_month_start")),
        sa.CheckConstraint(
            "days_mask > 0 AND days_mask < 2147483648", name=op.f("ck_billed_contract_months_days_mask_range")
        ),
        sa.PrimaryKeyConstraint("contract_id", "billed_month", name=op.f("pk_billed_contract_months")),
    )

    op.create_table(
        "billed_activations",
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("invoice_id", sa.UUID(), nullable=False),
        sa.Column("billing_run_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_billed_activations_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_billed_activations_invoice_id_invoices"),
            ondelete="RESTRICT",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["billing_run_id"],
            ["billing_runs.id"],
            name=op.f("fk_billed_activations_billing_run_id_billing_runs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_billed_activations")),
    )

    op.create_table(
        "invoice_number_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("last_number >= 0", name=op.f("ck_invoice_number_counters_last_number_non_negative")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_invoice_number_counters")),
    )

    op.execute(INVOICE_IMMUTABILITY)
    op.execute(INVOICE_LINES_IMMUTABILITY)
    op.execute(DAY_MASK_FUNCTION)
    op.execute(BILLED_THROUGH_FUNCTION)
    op.execute(BILLED_DAYS_GUARDS)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS trg_contract_suspensions_after_billed_days ON contract_suspensions")
    op.execute("DROP FUNCTION IF EXISTS billing_suspension_after_billed_days()")
    op.execute("DROP TRIGGER IF EXISTS trg_contracts_end_after_billed_days ON contracts")
    op.execute("DROP FUNCTION IF EXISTS billing_contract_end_after_billed_days()")
    op.execute("DROP FUNCTION IF EXISTS billing_contract_billed_through(uuid)")
    op.execute("DROP FUNCTION IF EXISTS billing_day_mask(date, date)")
    op.execute("DROP TRIGGER IF EXISTS trg_invoice_lines_inserted ON invoice_lines")
    op.execute("DROP FUNCTION IF EXISTS billing_invoice_lines_inserted()")
    op.execute("DROP TRIGGER IF EXISTS trg_invoice_lines_immutable ON invoice_lines")
    op.execute("DROP FUNCTION IF EXISTS billing_invoice_line_immutable()")
    op.execute("DROP TRIGGER IF EXISTS trg_invoices_immutable ON invoices")
    op.execute("DROP FUNCTION IF EXISTS billing_invoice_immutable()")
    op.drop_table("invoice_number_counters")
    op.drop_table("billed_activations")
    op.drop_table("billed_contract_months")
    op.drop_table("invoice_documents")
    op.drop_index("ix_invoice_lines_invoice_id", table_name="invoice_lines")
    op.drop_table("invoice_lines")
    op.drop_index("ix_invoices_status_due_date", table_name="invoices")
    op.drop_index("ix_invoices_client_id_issue_date", table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("billing_run_failures")
    op.drop_table("billing_run_chunks")
    op.drop_index("ix_billing_runs_created_at", table_name="billing_runs")
    op.drop_table("billing_runs")

    # Procrastinate ships no teardown script: drop what its schema created, read from the same SQL.
    schema = _procrastinate_schema()
    for table in reversed(re.findall(r"CREATE (?:UNLOGGED )?TABLE (\w+)", schema)):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    for function in re.findall(r"CREATE (?:OR REPLACE )?FUNCTION (\w+)\(", schema):
        op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    for type_name in re.findall(r"CREATE TYPE (\w+)", schema):
        op.execute(f"DROP TYPE IF EXISTS {type_name} CASCADE")
