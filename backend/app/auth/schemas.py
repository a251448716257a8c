from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from app.auth.roles import Role

# A person signing in with a password, or a partner system with client credentials.
UserKind = Literal["staff", "service"]


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    roles: list[Role]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=120, pattern=r"^[A-Za-z0-9_.@-]+$")
    full_name: str | None = Field(default=None, max_length=200)
    kind: UserKind = "staff"
    password: str = Field(min_length=12, max_length=200, description="Password, or client secret for services.")
    roles: list[Role] = Field(min_length=1)

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, roles: list[Role]) -> list[Role]:
        return sorted(set(roles))


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=12, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1)
    is_active: StrictBool | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    full_name: str | None
    kind: str
    roles: list[Role]
    is_active: bool
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    updated_by: str | None


class Principal(BaseModel):
    sub: str
    roles: list[Role]
    typ: str
