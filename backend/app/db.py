"""Engine, declarative base and the unit of work (one session per request)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, String, Table, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The table a model is mapped to, for Core statements that need no ORM object (typed for mypy)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()"))


class TimestampedMixin:
    """created_at/updated_at in UTC, and who did it (the token subject) where known."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
    created_by: Mapped[str | None] = mapped_column(String(120))
    updated_by: Mapped[str | None] = mapped_column(String(120))


POOL_RECYCLE_SECONDS = 1800


class Database:
    """Holds the engine and session factory for the process (set up in the app lifespan)."""

    def __init__(self) -> None:
        self._engine: AsyncEngine | None = None
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._read_engine: AsyncEngine | None = None
        self._read_sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self.url: str | None = None

    def configure(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        # Looked up at call time, so the OpenTelemetry instrumentation (app.kit.tracing) wraps it.
        # No pre-ping: it costs a round trip on every checkout. A connection the server dropped fails its
        # first statement instead; SQLAlchemy then invalidates the whole pool, and that request answers 503
        # database_unavailable (app.errors.is_database_outage), so only requests in flight at the loss see it.
        # pool_recycle retires connections before server or proxy idle timeouts silently cut them.
        self._engine = sa_asyncio.create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False, pool_recycle=POOL_RECYCLE_SECONDS
        )
        self._sessionmaker = async_sessionmaker(self._engine, expire_on_commit=False, autoflush=False)
        # Reads (GET, HEAD) need no transaction of their own: on autocommit connections each statement is
        # its own, which saves the BEGIN and COMMIT round trips. The server makes those connections
        # read-only, so a read path that tried to write fails loudly instead of committing half of it.
        self._read_engine = sa_asyncio.create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=False,
            pool_recycle=POOL_RECYCLE_SECONDS,
            isolation_level="AUTOCOMMIT",
            connect_args={"options": "-c default_transaction_read_only=on"},
        )
        self._read_sessionmaker = async_sessionmaker(self._read_engine, expire_on_commit=False, autoflush=False)

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("database is not configured")
        return self._engine

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        if self._sessionmaker is None:
            raise RuntimeError("database is not configured")
        return self._sessionmaker

    @property
    def read_sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        """Sessions on read-only autocommit connections, for requests that change nothing."""
        if self._read_sessionmaker is None:
            raise RuntimeError("database is not configured")
        return self._read_sessionmaker

    async def dispose(self) -> None:
        for engine in (self._engine, self._read_engine):
            if engine is not None:
                await engine.dispose()
        self._engine = self._read_engine = None
        self._sessionmaker = self._read_sessionmaker = None


database = Database()


READ_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The unit of work: commit when the handler returns, roll back on any exception.

    Used with scope="function" so the commit happens before the response is sent: a failed commit
    (say, a violated constraint) becomes an error answer, never a 2xx for data that was not kept.
    GET and HEAD change nothing (HTTP safe methods): they read on read-only autocommit connections.
    """
    if request.method in READ_METHODS:
        async with database.read_sessionmaker() as session:
            yield session
        return
    async with database.sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_read_session() -> AsyncIterator[AsyncSession]:
    """A read-only session that lives until the response is fully sent, for streamed answers (CSV exports).

    Nothing is committed: it reads through one transaction, so a long export sees one consistent snapshot.
    """
    async with database.sessionmaker() as session:
        try:
            yield session
        finally:
            await session.rollback()


StreamingSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="request")]
