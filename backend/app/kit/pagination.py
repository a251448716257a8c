"""Offset pagination: ?limit= (1-200, default 50) and ?offset=, answered as {items, total, limit, offset}."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, UnaryExpression, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

# PostgreSQL takes OFFSET as a bigint: a larger number would fail in the database instead of answering 422.
MAX_OFFSET = 1_000_000_000


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


def _page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Page size (1-200).")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(_page_params)]


class Page[T](BaseModel):
    items: list[T]
    total: int
    limit: int
    offset: int


async def fetch_page(
    session: AsyncSession, stmt: Select[Any], page: PageParams, *, count_in_page: bool = False
) -> tuple[list[Any], int]:
    """Run `stmt` for one page of ORM rows (its first column) plus the total count of the unpaginated query;
    `count_in_page` as for `fetch_page_rows`."""
    rows, total = await fetch_page_rows(session, stmt, page, count_in_page=count_in_page)
    return [row[0] for row in rows], total


async def fetch_page_rows[*Columns](
    session: AsyncSession, stmt: Select[*Columns], page: PageParams, *, count_in_page: bool = False
) -> tuple[list[tuple[*Columns]], int]:
    """Run `stmt` for one page of rows plus the total count of the unpaginated query.

    `count_in_page`: count in the page's own query (`count(*) OVER ()`), so the matches are read once
    instead of twice. For filters that read every match anyway: a search that scans, one client's rows.
    Not for an unfiltered list, which would then read the whole table to answer one page.
    """
    if count_in_page:
        counted = stmt.add_columns(func.count().over().label("page_total"))
        found = (await session.execute(counted.limit(page.limit).offset(page.offset))).all()
        if found:
            width = len(found[0]) - 1
            return [cast("tuple[*Columns]", tuple(row[:width])) for row in found], int(found[0][width])
        if page.offset == 0:
            return [], 0
        # A page past the end carries no count: ask for it on its own.
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = (await session.execute(stmt.limit(page.limit).offset(page.offset))).all()
    return list(rows), int(total or 0)


def sort_order(model: type[Any], sort: str) -> UnaryExpression[Any]:
    """The ORDER BY term of a list's `sort` parameter: a column name, `-` first for descending; rows without
    a value come last either way (an operator sorting by amount wants the figures first)."""
    column: InstrumentedAttribute[Any] = getattr(model, sort.removeprefix("-"))
    return column.desc().nulls_last() if sort.startswith("-") else column.asc().nulls_last()
