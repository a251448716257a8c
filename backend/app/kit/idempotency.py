"""Idempotency keys for critical writes (api-conventions: Idempotency).

The key row is written in the same transaction as the business write, so both exist or neither does.
A transaction-scoped advisory lock on (scope, key) makes a concurrent duplicate answer
`idempotency_key_in_progress` at once instead of writing twice; once the first request has committed,
the same key replays the stored answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import DateTime, Integer, String, bindparam, delete, func, insert, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.config import get_settings
from app.db import Base, table_of
from app.errors import AppError, Conflict, raises
from app.kit.correlation import current_actor
from app.kit.locks import LockNamespace, try_lock

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
REPLAY_HEADER = "Idempotent-Replayed"


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    response_status: Mapped[int] = mapped_column(Integer, nullable=False)
    response_body: Mapped[Any] = mapped_column(JSONB, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


# Built once: every keyed write reads and writes its key row, and composing and cache-keying the statements
# on each call cost more than running them. Columns, not an ORM row: the stored answer is only compared and
# replayed, and the new row is never read back.
_STORED_ANSWER = select(
    IdempotencyRecord.request_hash,
    IdempotencyRecord.response_status,
    IdempotencyRecord.response_body,
    IdempotencyRecord.expires_at,
).where(IdempotencyRecord.scope == bindparam("scope"), IdempotencyRecord.key == bindparam("key"))
_INSERT_KEY = insert(table_of(IdempotencyRecord))


class IdempotencyKeyRequired(AppError):
    """The operation needs an Idempotency-Key header."""

    action = "Send a fresh Idempotency-Key (e.g. a UUID) with the request; reuse it only to retry the same request."
    status_code = 400
    code = "idempotency_key_required"
    message = "This operation requires an Idempotency-Key header."


class IdempotencyKeyInvalid(AppError):
    """The Idempotency-Key header is not 1 to 255 visible ASCII characters."""

    action = "Send a UUID as the Idempotency-Key."
    status_code = 400
    code = "idempotency_key_invalid"
    message = "Idempotency-Key must be 1 to 255 visible ASCII characters."


class IdempotencyKeyConflict(Conflict):
    """The Idempotency-Key was already used with a different request body."""

    action = "Use a new key for a new request; a retry must resend the exact same body."
    code = "idempotency_key_conflict"
    message = "This Idempotency-Key was already used with a different request body."


class IdempotencyKeyInProgress(Conflict):
    """A request with the same Idempotency-Key is still running."""

    action = "Retry the same request with the same key after a short while; it will replay the first answer."
    code = "idempotency_key_in_progress"
    message = "A request with this Idempotency-Key is still being processed; retry shortly."


# The key dependencies also declare the conflicts of run_idempotent, which every keyed operation calls.
@raises(IdempotencyKeyRequired, IdempotencyKeyInvalid, IdempotencyKeyConflict, IdempotencyKeyInProgress)
def _idempotency_key_header(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Required. 1-255 visible ASCII characters; the same key replays the first answer.",
        ),
    ] = None,
) -> str:
    if idempotency_key is None or idempotency_key == "":
        raise IdempotencyKeyRequired()
    if not _KEY.match(idempotency_key):
        raise IdempotencyKeyInvalid()
    return idempotency_key


IdempotencyKeyDep = Annotated[str, Depends(_idempotency_key_header)]


@raises(IdempotencyKeyInvalid, IdempotencyKeyConflict, IdempotencyKeyInProgress)
def _optional_idempotency_key_header(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Optional. 1-255 visible ASCII characters; when given, the same key replays the first answer.",
        ),
    ] = None,
) -> str | None:
    if idempotency_key is None:
        return None
    if not _KEY.match(idempotency_key):
        raise IdempotencyKeyInvalid()
    return idempotency_key


# For writes that are safe to retry with a key but do not demand one (e.g. client creation by partners).
OptionalIdempotencyKeyDep = Annotated[str | None, Depends(_optional_idempotency_key_header)]


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_hash(payload: Any) -> str:
    # Payloads are mostly JSON already (a body's model_dump(mode="json")); jsonable_encoder returns such a
    # value unchanged, so it only runs for the others. The digest is the same either way, so keys stored
    # before keep replaying.
    try:
        canonical = _canonical_json(payload)
    except TypeError:
        canonical = _canonical_json(jsonable_encoder(payload))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _answer_body(result: BaseModel | dict[str, Any]) -> Any:
    # What jsonable_encoder gives for a model (it calls this same dump, then walks the JSON it got once more,
    # which cost over ten times the dump for a payment's answer).
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", by_alias=True)
    return jsonable_encoder(result)


async def run_idempotent(
    session: AsyncSession,
    *,
    operation: str,
    key: str,
    payload: Any,
    status_code: int,
    handler: Callable[[], Awaitable[BaseModel | dict[str, Any]]],
    caller_scope: str | None = None,
) -> JSONResponse:
    """Run `handler` once per (operation, caller, key); replay its stored answer afterwards.

    `payload` is everything that defines the request (body and path parameters): its SHA-256 decides
    between a replay and `idempotency_key_conflict`. `caller_scope` narrows the caller where one actor
    stands for many people (every public landing caller is `landing`: their keys are scoped by CIN too).
    """
    scope = f"{operation}:{current_actor().subject}"
    if caller_scope:
        scope = f"{scope}:{caller_scope}"
    digest = request_hash(payload)
    if not await try_lock(session, LockNamespace.IDEMPOTENCY, f"{scope}\x1f{key}"):
        raise IdempotencyKeyInProgress()
    existing = (await session.execute(_STORED_ANSWER, {"scope": scope, "key": key})).first()
    if existing is not None and existing.expires_at <= datetime.now(existing.expires_at.tzinfo):
        await session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
        )
        existing = None
    if existing is not None:
        if existing.request_hash != digest:
            raise IdempotencyKeyConflict()
        return JSONResponse(
            existing.response_body, status_code=existing.response_status, headers={REPLAY_HEADER: "true"}
        )

    result = await handler()
    body = _answer_body(result)
    retention = timedelta(hours=get_settings().idempotency_retention_hours)
    # The handler's pending ORM changes are written first (a violated constraint fails here, as before).
    await session.flush()
    await session.execute(
        _INSERT_KEY,
        {
            "scope": scope,
            "key": key,
            "request_hash": digest,
            "response_status": status_code,
            "response_body": body,
            "expires_at": datetime.now().astimezone() + retention,
        },
    )
    return JSONResponse(body, status_code=status_code)


async def purge_expired(session: AsyncSession) -> int:
    result = await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < func.now()))
    return int(getattr(result, "rowcount", 0) or 0)
