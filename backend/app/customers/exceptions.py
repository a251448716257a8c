from __future__ import annotations

from collections.abc import Sequence

from app.errors import AppError, Conflict, NotFound, ValidationFailed, field_problem


class ClientNotFound(NotFound):
    message = "Client not found."


class ClientDeleteBlocked(AppError):
    """The client has history (contracts, invoices, payments, collection cases); details list its kinds."""

    action = "Terminate the client instead, then anonymise it once nothing is outstanding."
    status_code = 409
    code = "client_delete_blocked"
    message = "Client has contractual, billing, payment or collection history; terminate or anonymise instead."

    def __init__(self, history_kinds: Sequence[str] = ()) -> None:
        details = [
            field_problem(["path", "client_id"], f"The client has {kind} history.", type_=kind, kind=kind)
            for kind in history_kinds
        ]
        super().__init__(details=details)


class ClientCinTaken(Conflict):
    """Another live client already has this CIN."""

    action = "Open the existing client with this CIN instead of creating a second one."
    code = "client_cin_taken"
    message = "Another live client already has this CIN."

    def __init__(self) -> None:
        super().__init__(details=[field_problem(["body", "cin"], self.message, type_=self.code)])


class ClientStatusManagedByCollections(Conflict):
    """A delinquent client's status is set by collections, not by hand."""

    action = "Record the client's payments; the client becomes active again when nothing is overdue."
    code = "client_status_managed_by_collections"
    message = "A delinquent client becomes active again when collections clears the overdue invoices."

    def __init__(self) -> None:
        super().__init__(details=[field_problem(["body", "status"], self.message, type_=self.code)])


class InvalidClientFilter(ValidationFailed):
    """422 for a list filter that cannot match any stored value (a malformed CIN or phone number)."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        super().__init__(details=[field_problem(["query", field], msg, type_=kind) for field, msg, kind in problems])


class InvalidClient(ValidationFailed):
    """422 for rules that need the stored client as well as the request (an update's merged state)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__(details=[field_problem(["body", field], msg) for field, msg in problems])


class ClientNotTerminated(Conflict):
    """Only a terminated client can be anonymised."""

    code = "client_not_terminated"
    message = "Only a terminated client can be anonymised; terminate it first."
    action = "Terminate the client (after its contracts), then anonymise it."


class ClientAlreadyAnonymised(Conflict):
    """The client's personal data were already replaced by placeholders."""

    code = "client_already_anonymised"
    message = "This client is already anonymised."
    action = "Nothing to do: anonymisation cannot be repeated or undone."


class ClientHasOutstandingBalance(Conflict):
    """The client still owes money; details list the kinds (e.g. invoice)."""

    code = "client_has_outstanding_balance"
    message = "The client still owes money; it can be anonymised once nothing is outstanding."
    action = "Record the payments (or credit notes) first, then anonymise."

    def __init__(self, kinds: list[str]) -> None:
        super().__init__(
            details=[field_problem(["path", "client_id"], f"outstanding {kind}", type_=self.code) for kind in kinds]
        )


class ClientHasLiveServices(Conflict):
    """The client still holds live contracts."""

    action = "Terminate the client's contracts first, then the client."
    code = "client_has_live_services"
    message = "The client still holds live contracts; terminate them before terminating the client."

    def __init__(self, kinds: list[str]) -> None:
        super().__init__(
            details=[field_problem(["body", "status"], f"live {kind}s remain", type_=self.code) for kind in kinds]
        )
