"""Search helpers shared by the list endpoints."""

from __future__ import annotations


def escape_like(term: str) -> str:
    """The term with LIKE's wildcards escaped (use with `escape="\\\\"`), so `%` and `_` match themselves."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
