"""The allowed words of a status or kind, written once and read by the API schemas and the database checks.

A vocabulary is a `Literal[...]` alias (what the schemas use, so the OpenAPI keeps its inline `enum`) or a
`StrEnum`. The check constraints are built from it here, in the exact SQL text the migrations created, so
the models and the migrated schema stay comparable (tests/kit/test_vocabulary.py compares them with the
database). Decision 0024.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, get_args

from sqlalchemy import CheckConstraint

# Key of `CheckConstraint.info` holding the words the constraint allows, for the test against the database.
INFO_KEY = "vocabulary"


def words(vocabulary: Any) -> tuple[str, ...]:
    """The words of a Literal alias or a StrEnum, in their written order (the order of the SQL text)."""
    if isinstance(vocabulary, type) and issubclass(vocabulary, StrEnum):
        values = tuple(member.value for member in vocabulary)
    else:
        values = get_args(vocabulary)
    if not values or not all(isinstance(value, str) for value in values):
        raise TypeError(f"{vocabulary!r} is not a vocabulary: a Literal of strings or a StrEnum")
    # The words are pasted into SQL text: only the words of code, never data, and never a quote.
    if any("'" in value for value in values):
        raise ValueError(f"{vocabulary!r} has a word with a quote")
    return values


def one_of_sql(column: str, vocabulary: Any) -> str:
    """`status IN ('active', 'retired')`: a check or index predicate keeping `column` within the vocabulary."""
    return f"{column} IN (" + ", ".join(f"'{word}'" for word in words(vocabulary)) + ")"


def one_of_check(column: str, vocabulary: Any, *, name: str | None = None) -> CheckConstraint:
    """The check constraint `ck_<table>_<name>` (name defaults to the column) allowing only the vocabulary."""
    return CheckConstraint(one_of_sql(column, vocabulary), name=name or column, info={INFO_KEY: words(vocabulary)})


def all_of_check(column: str, vocabulary: Any, *, name: str | None = None) -> CheckConstraint:
    """For an array column: every element is a word of the vocabulary (`roles <@ ARRAY[...]::varchar[]`)."""
    array = "ARRAY[" + ",".join(f"'{word}'" for word in words(vocabulary)) + "]::varchar[]"
    return CheckConstraint(f"{column} <@ {array}", name=name or column, info={INFO_KEY: words(vocabulary)})
