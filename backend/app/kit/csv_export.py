"""Streaming CSV answers for list exports: one row at a time from a server-side cursor, never the whole list
in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi.responses import StreamingResponse
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

# Rows fetched from the cursor per round trip.
BATCH_SIZE = 500
# A cell that a spreadsheet would run as a formula (OWASP "CSV injection") is prefixed with an apostrophe.
# A leading + or - is a formula only when what follows is not a plain number, so +212… phone numbers and
# negative amounts stay as they are.
_FORMULA_START = ("=", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START) or (
        text[:1] in "+-" and not text[1:].replace(".", "", 1).isdigit() and len(text) > 1
    ):
        return "'" + text
    return text


def _line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(v) for v in values])
    return buffer.getvalue()


def stream_csv(
    session: AsyncSession,
    statement: Select[Any] | Select[Any, Any],
    *,
    header: Sequence[str],
    row: Callable[[Any], Sequence[Any]],
    filename: str,
) -> StreamingResponse:
    """Answer `statement`'s rows as CSV (RFC 4180, UTF-8 with BOM so spreadsheets read accents)."""

    async def lines() -> AsyncIterator[bytes]:
        yield ("\ufeff" + _line(header)).encode("utf-8")
        result = await session.stream(statement.execution_options(yield_per=BATCH_SIZE))
        async for partition in result.partitions(BATCH_SIZE):
            yield "".join(_line(row(record)) for record in partition).encode("utf-8")

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
