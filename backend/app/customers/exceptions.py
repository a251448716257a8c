from __future__ import annotations

from app.errors import AppError, NotFound


class ClientNotFound(NotFound):
    message = "Client not found."


class ClientDeleteBlocked(AppError):
    status_code = 409
    code = "client_delete_blocked"
    message = "Client has contractual, billing, payment or collection history; terminate or anonymise instead."
