"""Field-level validation errors raised from model validators, so `details[].loc` names the field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


def field_errors(title: str, problems: Sequence[tuple[str, str]], values: dict[str, Any]) -> ValidationError:
    """A ValidationError with one entry per (field, message): a cross-field rule still points at its field."""
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError("value_error", message),
                loc=(field,),
                input=values.get(field),
            )
            for field, message in problems
        ],
    )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_text_only(value: Any) -> Any:
    # Pydantic's lax mode reads 0 as 1970-01-01 (a Unix time): a billing period must be written as a date.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise PydanticCustomError("date_type", "must be a date written YYYY-MM-DD")


def _datetime_text_only(value: Any) -> Any:
    if isinstance(value, str | datetime):
        return value
    raise PydanticCustomError("datetime_type", "must be an ISO 8601 date-time string")


def _bool_words_only(value: Any) -> Any:
    # Query strings carry text: only the words true and false are booleans (not 0/1, yes/no, on/off).
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("bool_type", "must be true or false")


# Request types that refuse pydantic's loose coercions (issue 9, item 12).
IsoDate = Annotated[date, BeforeValidator(_date_text_only)]
IsoDatetimeInput = BeforeValidator(_datetime_text_only)
QueryBool = Annotated[bool, BeforeValidator(_bool_words_only)]
