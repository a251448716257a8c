"""Field-level validation errors raised from model validators, so `details[].loc` names the field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
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
