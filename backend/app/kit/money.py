"""Money: Decimal with two places, half-up rounding, JSON strings such as "199.00"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema
from sqlalchemy import Numeric

CENT = Decimal("0.01")
MONEY_SQL = Numeric(14, 2)
RATE_SQL = Numeric(6, 4)
MAX_MONEY = Decimal("999999999999.99")


def round_half_up(value: Decimal, places: Decimal = CENT) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    return f"{round_half_up(value):.2f}"


def format_rate(rate: Decimal) -> str:
    """At least two decimals ("0.20"), more only when the rate has them ("0.075")."""
    normalized = rate.normalize()
    exponent = int(normalized.as_tuple().exponent)
    return format(normalized if exponent < -2 else rate.quantize(CENT), "f")


def _parse_money(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError('amount must be a decimal string such as "199.00"')
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise ValueError('amount must be a decimal string such as "199.00"') from exc
    if not amount.is_finite():
        raise ValueError("amount must be a finite number")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("amount has at most two decimals")
    # copy_abs, unlike abs(), ignores the decimal context: "1e999999999999" must be "too large", not Overflow.
    if amount.copy_abs() > MAX_MONEY:
        raise ValueError("amount is too large")
    return amount.quantize(CENT)


def _parse_rate(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError('rate must be a decimal string such as "0.20"')
    try:
        rate = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise ValueError('rate must be a decimal string such as "0.20"') from exc
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise ValueError("rate must be between 0 and 1")
    if rate.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValueError("rate has at most four decimals")
    return rate


Money = Annotated[
    Decimal,
    BeforeValidator(_parse_money),
    PlainSerializer(format_money, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["199.00"]}),
]
PositiveMoney = Annotated[Money, Field(gt=0)]
NonNegativeMoney = Annotated[Money, Field(ge=0)]

Rate = Annotated[
    Decimal,
    BeforeValidator(_parse_rate),
    PlainSerializer(format_rate, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^\d(\.\d{1,4})?$", "examples": ["0.20"]}),
]
