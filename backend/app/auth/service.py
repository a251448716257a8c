"""Staff and service-account authentication: argon2 password hashes and signed JWT access tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.exceptions import LastAdmin, UsernameTaken, UserNotFound
from app.auth.models import User
from app.auth.roles import Role
from app.auth.schemas import UserCreate, UserUpdate
from app.config import Settings
from app.errors import NotAuthenticated
from app.kit.audit import record_audit
from app.kit.correlation import current_actor

ACCESS_TOKEN_TYPE = "access"  # noqa: S105
_hasher = PasswordHash.recommended()
# Verifying against a fixed hash when the user is unknown keeps the answer time the same, so the token
# endpoint does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def authenticate(session: AsyncSession, username: str, password: str, *, kind: str) -> User:
    user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        _hasher.verify(password, _DUMMY_HASH)
        raise NotAuthenticated("Invalid credentials.")
    if not _hasher.verify(password, user.password_hash) or not user.is_active or user.kind != kind:
        raise NotAuthenticated("Invalid credentials.")
    return user


def issue_access_token(settings: Settings, user: User) -> tuple[str, int]:
    now = datetime.now(UTC)
    lifetime = timedelta(minutes=settings.access_token_minutes)
    claims: dict[str, Any] = {
        "sub": user.username,
        "roles": sorted(user.roles),
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": ACCESS_TOKEN_TYPE,
        "iss": settings.jwt_issuer,
        "ver": user.token_version or 0,
    }
    token = jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")
    return token, int(lifetime.total_seconds())


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "roles", "iat", "exp", "jti", "typ", "ver"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("Token expired.") from exc
    except jwt.PyJWTError as exc:
        raise NotAuthenticated("Invalid token.") from exc
    if claims.get("typ") != ACCESS_TOKEN_TYPE or not isinstance(claims.get("roles"), list):
        raise NotAuthenticated("Invalid token.")
    if not isinstance(claims.get("ver"), int) or isinstance(claims.get("ver"), bool):
        raise NotAuthenticated("Invalid token.")
    return claims


# Built once: it runs on every staff request, and composing and cache-keying it each time cost more Python
# time than sending it.
_TOKEN_STANDING = select(User.token_version, User.is_active).where(User.username == bindparam("username"))


async def ensure_token_current(session: AsyncSession, claims: dict[str, Any]) -> None:
    """401 unless the token's user exists, is active and still has the token version the token carries."""
    row = (await session.execute(_TOKEN_STANDING, {"username": str(claims["sub"])})).first()
    if row is None or not row.is_active or row.token_version != claims["ver"]:
        raise NotAuthenticated("Token revoked.")


def _summary(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "kind": user.kind,
        "roles": sorted(user.roles),
        "is_active": user.is_active,
    }


async def create_user(session: AsyncSession, payload: UserCreate) -> User:
    """Create a staff user or service account (admin only)."""
    if await session.scalar(select(User.id).where(User.username == payload.username)):
        raise UsernameTaken()
    actor = current_actor().subject
    user = User(
        username=payload.username,
        full_name=payload.full_name,
        kind=payload.kind,
        password_hash=hash_password(payload.password),
        roles=[str(r) for r in payload.roles],
        is_active=True,
        created_by=actor,
        updated_by=actor,
    )
    session.add(user)
    await session.flush()
    await record_audit(session, action="user.created", entity_type="user", entity_id=user.id, after=_summary(user))
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound()
    return user


async def update_user(session: AsyncSession, user_id: uuid.UUID, payload: UserUpdate) -> User:
    """Change a user's roles, password or active flag (admin only)."""
    user = await get_user(session, user_id)
    loses_admin = (payload.is_active is False) or (payload.roles is not None and Role.ADMIN not in payload.roles)
    if user.is_active and Role.ADMIN.value in user.roles and loses_admin:
        await _ensure_another_active_admin(session, user.id)
    before = _summary(user)
    loses_access = (
        payload.password is not None
        or (payload.is_active is False and user.is_active)
        or (payload.roles is not None and not {str(r) for r in payload.roles} >= set(user.roles))
    )
    if loses_access:
        user.token_version = (user.token_version or 0) + 1
    if payload.full_name is not None:
        user.full_name = payload.full_name
    if payload.password is not None:
        user.password_hash = hash_password(payload.password)
    if payload.roles is not None:
        user.roles = sorted({str(r) for r in payload.roles})
    if payload.is_active is not None:
        user.is_active = payload.is_active
    user.updated_by = current_actor().subject
    await session.flush()
    await session.refresh(user)
    await record_audit(
        session,
        action="user.updated",
        entity_type="user",
        entity_id=user.id,
        before=before,
        after={**_summary(user), "password_changed": payload.password is not None},
    )
    return user


async def _ensure_another_active_admin(session: AsyncSession, user_id: uuid.UUID) -> None:
    # Every active admin row is locked: two admins demoting each other at once cannot both succeed.
    admins = await session.scalars(
        select(User.id).where(User.is_active.is_(True), User.roles.contains([Role.ADMIN.value])).with_for_update()
    )
    if all(admin_id == user_id for admin_id in admins):
        raise LastAdmin()


async def ensure_bootstrap_admin(session: AsyncSession, settings: Settings) -> bool:
    """Create the bootstrap admin from settings when no user of that name exists. True if created."""
    username = settings.bootstrap_admin_username
    # `mtf serve --workers N` starts N processes that all bootstrap at once: one creates the admin, the others
    # wait on this lock (held to the end of the transaction) and then find it, instead of failing to start.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('mtf.bootstrap_admin'))"))
    if await session.scalar(select(User.id).where(User.username == username)):
        return False
    session.add(
        User(
            username=username,
            full_name="Bootstrap administrator",
            kind="staff",
            password_hash=hash_password(settings.bootstrap_admin_password.get_secret_value()),
            roles=[Role.ADMIN.value],
            is_active=True,
            created_by="system",
            updated_by="system",
        )
    )
    await session.flush()
    return True
