"""One conversion of Python values to JSON-ready ones, for the audit log, the outbox and webhooks."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.kit.money import format_money


def json_ready(value: Any) -> Any:
    """The value with money as two-decimal strings and ids/dates as strings, ready for JSONB."""
    # Money stays an exact two-decimal string, as in the API (never a float).
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value
