"""billing audit fixes: offer name signed on contracts, suspended days on lines, frozen PDF metadata and documents

Revision ID: 1400_billing_audit_fixes
Revises: 20261201_1010
Create Date: 2026-12-01 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1400_billing_audit_fixes"
down_revision: str | None = "20261201_1010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Lines are described with the name the contract was signed with, not the offer's current name. Writers that
# do not give it (tests, scripts) get the offer's name at insert time: the name in force at signature.
CONTRACT_OFFER_NAME = """
CREATE FUNCTION contracts_offer_name_at_signature() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.offer_name IS NULL THEN
        NEW.offer_name := (SELECT name FROM offers WHERE id = NEW.offer_id);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER trg_contracts_offer_name BEFORE INSERT ON contracts
    FOR EACH ROW EXECUTE FUNCTION contracts_offer_name_at_signature();
"""

# The same rules as migration 0005, plus every PDF column once the PDF is stored (size, storage, date).
INVOICE_IMMUTABILITY = """
CREATE OR REPLACE FUNCTION billing_invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' AND OLD.status <> 'discarded' THEN
            RAISE EXCEPTION 'invoice % is issued and cannot be deleted', OLD.invoice_number
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_immutable';
        END IF;
        RETURN OLD;
    END IF;
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
        OR (OLD.pdf_sha256 IS NOT NULL AND (
            NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256
            OR NEW.pdf_size_bytes IS DISTINCT FROM OLD.pdf_size_bytes
            OR NEW.pdf_storage IS DISTINCT FROM OLD.pdf_storage
            OR NEW.pdf_rendered_at IS DISTINCT FROM OLD.pdf_rendered_at))
    ) THEN
        RAISE EXCEPTION 'invoice % is issued and immutable', OLD.invoice_number
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_immutable';
    END IF;
    RETURN NEW;
END;
$$;
"""

# A stored PDF is the legal document itself: never rewritten, never removed.
DOCUMENT_IMMUTABILITY = """
CREATE FUNCTION billing_document_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a stored invoice document cannot be changed or deleted'
        USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'invoice_document_immutable';
END;
$$;
CREATE TRIGGER trg_invoice_documents_immutable BEFORE UPDATE OR DELETE ON invoice_documents
    FOR EACH ROW EXECUTE FUNCTION billing_document_immutable();
"""


def upgrade() -> None:
    op.add_column("contracts", sa.Column("offer_name", sa.String(length=120), nullable=True))
    op.execute("UPDATE contracts k SET offer_name = o.name FROM offers o WHERE o.id = k.offer_id")
    op.alter_column("contracts", "offer_name", nullable=False)
    op.execute(CONTRACT_OFFER_NAME)
    op.add_column(
        "invoice_lines", sa.Column("suspended_days", sa.SmallInteger(), server_default=sa.text("0"), nullable=False)
    )
    op.create_check_constraint(op.f("ck_invoice_lines_suspended_days"), "invoice_lines", "suspended_days >= 0")
    op.execute(INVOICE_IMMUTABILITY)
    op.execute(DOCUMENT_IMMUTABILITY)


def downgrade() -> None:
    op.execute("DROP TRIGGER trg_invoice_documents_immutable ON invoice_documents")
    op.execute("DROP FUNCTION billing_document_immutable()")
    op.drop_constraint(op.f("ck_invoice_lines_suspended_days"), "invoice_lines", type_="check")
    op.drop_column("invoice_lines", "suspended_days")
    op.execute("DROP TRIGGER trg_contracts_offer_name ON contracts")
    op.execute("DROP FUNCTION contracts_offer_name_at_signature()")
    op.drop_column("contracts", "offer_name")
