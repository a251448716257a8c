"""Errors of staff users and their tokens, with their stable codes."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound, field_problem


class UserNotFound(NotFound):
    message = "User not found."


class UsernameTaken(Conflict):
    """Another user already has this username."""

    code = "username_taken"
    message = "A user with this username already exists."
    action = "Choose another username."

    def __init__(self) -> None:
        super().__init__(details=[field_problem(["body", "username"], self.message, type_=self.code)])


class LastAdmin(Conflict):
    """The change would leave no active admin."""

    code = "last_admin"
    message = "This is the last active admin: make another user admin first."
    action = "Give another active user the admin role first."

    def __init__(self) -> None:
        super().__init__(
            details=[field_problem(["body", "roles"], "the last active admin keeps the admin role", type_=self.code)]
        )


class UnsupportedGrantType(AppError):
    """The token request's grant_type is neither password nor client_credentials."""

    status_code = 400
    code = "unsupported_grant_type"
    message = "grant_type must be 'password' or 'client_credentials'."
    action = "Send grant_type=password (staff) or grant_type=client_credentials (service accounts)."
