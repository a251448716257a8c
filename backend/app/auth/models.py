from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Integer, String, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.roles import Role
from app.auth.schemas import UserKind
from app.db import Base, TimestampedMixin, uuid_pk
from app.kit.vocabulary import all_of_check, one_of_check


class User(TimestampedMixin, Base):
    """A staff member (password grant) or a partner system (client_credentials grant)."""

    __tablename__ = "users"
    __table_args__ = (
        one_of_check("kind", UserKind),
        all_of_check("roles", Role),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    username: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="staff")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(20)), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Carried in every access token as `ver`; raised when the user is deactivated, loses a role or gets a
    # new password, which ends every token issued before (docs/decisions/0010-staff-token-revocation.md).
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default=text("0"))
