from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Computed, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.customers.schemas import ClientKind, ClientStatus
from app.db import Base, TimestampedMixin, uuid_pk
from app.kit.vocabulary import one_of_check, words

CLIENT_STATUSES = words(ClientStatus)

# What the clients search reads: the names both ways round, the company, the CIN and the e-mail, lowercased in
# one stored column. One LIKE over it costs a fifth of seven ILIKEs over the columns (docs/performance.md);
# the unit separator (U+001F), which nobody types, keeps a search from matching across two fields.
CLIENT_SEARCH_TEXT_SQL = (
    "lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || chr(31) || "
    "coalesce(last_name, '') || ' ' || coalesce(first_name, '') || chr(31) || "
    "coalesce(company_name, '') || chr(31) || cin || chr(31) || coalesce(email, ''))"
)


class Client(TimestampedMixin, Base):
    """A person or a business that holds contracts and receives invoices."""

    __tablename__ = "clients"
    __table_args__ = (
        one_of_check("kind", ClientKind),
        one_of_check("status", ClientStatus),
        CheckConstraint("cin ~ '^[A-Z]{1,2}[0-9]{1,8}$'", name="cin_format"),
        CheckConstraint(
            "(kind = 'individual' AND first_name IS NOT NULL AND last_name IS NOT NULL) OR "
            "(kind = 'business' AND company_name IS NOT NULL AND ice IS NOT NULL)",
            name="names_by_kind",
        ),
        CheckConstraint("ice IS NULL OR ice ~ '^[0-9]{15}$'", name="ice_format"),
        CheckConstraint("phone IS NULL OR phone ~ '^\\+212[5-8][0-9]{8}$'", name="phone_canonical"),
        # CIN identifies one client that is not anonymised; anonymisation frees it (law 09-08, docs/customers.md).
        Index("uq_clients_cin_live", "cin", unique=True, postgresql_where=text("anonymised_at IS NULL")),
        CheckConstraint("anonymised_at IS NULL OR status = 'terminated'", name="anonymised_only_when_terminated"),
        Index("ix_clients_status", "status"),
        Index("ix_clients_phone", "phone"),
        Index("ix_clients_email", text("lower(email)")),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="individual")
    cin: Mapped[str] = mapped_column(String(10), nullable=False)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(200))
    ice: Mapped[str | None] = mapped_column(String(15))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(13))
    address: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    # When names, CIN, contact data and address were replaced by placeholders (never reversed).
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    search_text: Mapped[str] = mapped_column(Text, Computed(CLIENT_SEARCH_TEXT_SQL, persisted=True), deferred=True)

    @property
    def display_name(self) -> str:
        return display_name(self.kind, self.first_name, self.last_name, self.company_name)


def display_name(kind: str, first_name: str | None, last_name: str | None, company_name: str | None) -> str:
    """How a client is named on screens and documents: the company, or the person's first and last names."""
    if kind == "business":
        return company_name or ""
    return f"{first_name or ''} {last_name or ''}".strip()
