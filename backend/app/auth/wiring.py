"""What auth registers when the application is wired (called by app.wiring.wire)."""

from __future__ import annotations

from app.auth.exceptions import UsernameTaken
from app.errors import register_constraint_error


def wire() -> None:
    # Two creations racing past the early check: the unique constraint answers the same 409.
    register_constraint_error("uq_users_username", UsernameTaken, field="username")
