from __future__ import annotations

from collections.abc import Sequence

from app.errors import AppError, Conflict, NotFound


class ClientNotFound(NotFound):
    message = "Client not found."


class ClientDeleteBlocked(AppError):
    status_code = 409
    code = "client_delete_blocked"
    message = "Client has contractual, billing, payment or collection history; terminate or anonymise instead."

    def __init__(self, history_kinds: Sequence[str] = ()) -> None:
        details = [
            {"loc": ["path", "client_id"], "msg": f"The client has {kind} history.", "type": kind, "kind": kind}
            for kind in history_kinds
        ]
        super().__init__(details=details)


class ClientCinTaken(Conflict):
    code = "client_cin_taken"
    message = "Another live client already has this CIN."

    def __init__(self) -> None:
        super().__init__(details=[{"loc": ["body", "cin"], "msg": self.message, "type": self.code}])


class ClientStatusManagedByCollections(Conflict):
    code = "client_status_managed_by_collections"
    message = "A delinquent client becomes active again when collections clears the overdue invoices."

    def __init__(self) -> None:
        super().__init__(details=[{"loc": ["body", "status"], "msg": self.message, "type": self.code}])


class InvalidClientFilter(AppError):
    """422 for a list filter that cannot match any stored value (a malformed CIN or phone number)."""

    status_code = 422
    code = "validation_error"
    message = "The request is not valid."

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        super().__init__(details=[{"loc": ["query", field], "msg": msg, "type": kind} for field, msg, kind in problems])


class InvalidClient(AppError):
    """422 for rules that need the stored client as well as the request (an update's merged state)."""

    status_code = 422
    code = "validation_error"
    message = "The request is not valid."

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__(
            details=[{"loc": ["body", field], "msg": msg, "type": "value_error"} for field, msg in problems]
        )


class ClientHasLiveServices(Conflict):
    code = "client_has_live_services"
    message = "The client still holds live contracts; terminate them before terminating the client."

    def __init__(self, kinds: list[str]) -> None:
        super().__init__(
            details=[{"loc": ["body", "status"], "msg": f"live {kind}s remain", "type": self.code} for kind in kinds]
        )
