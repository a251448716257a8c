from __future__ import annotations

from typing import Any

from app.errors import AppError, BusinessValidationError, Conflict, NotFound, field_problem


class ContractNotFound(NotFound):
    message = "Contract not found."


class SubscriberNotFound(NotFound):
    message = "Subscriber not found."


class ContractDocumentNotFound(NotFound):
    message = "This contract has no document."


class ClientTerminated(Conflict):
    """The client is terminated (or anonymised); nothing new can be provisioned for it."""

    code = "client_terminated"
    message = "The client is terminated; no contract can be provisioned for it."
    action = "Do not retry: a terminated client takes no new contract; create or reactivate a client first."


class OfferNotAvailable(BusinessValidationError):
    """The offer does not exist, is not active, or is outside its sale period."""

    code = "offer_not_available"
    action = "Choose another offer among those currently on sale."

    def __init__(self, message: str, loc: list[str | int] | None = None) -> None:
        super().__init__(loc or ["body", "offer_id"], message)


class ServiceTypeIncompatible(BusinessValidationError):
    """The offer's category does not fit the line (e.g. a mobile offer on a fiber line)."""

    code = "service_type_incompatible"
    action = "Choose an offer of the line's category, or provision a new line."

    def __init__(self, message: str, field: str = "offer_id") -> None:
        super().__init__(["body", field], message)


class InvalidTargetContract(BusinessValidationError):
    """target_contract_id names no contract of this client."""

    code = "invalid_target_contract"
    action = "Choose one of the client's contracts (the candidates of provisioning_ambiguous)."

    def __init__(self) -> None:
        super().__init__(["body", "target_contract_id"], "No contract of this client has this id.")


class ContractNotActive(Conflict):
    """The contract (or its line) to change is not active."""

    code = "contract_not_active"
    action = "Reactivate the contract first, or provision a new line."

    def __init__(self, message: str, field: str = "target_contract_id") -> None:
        super().__init__(message, details=[field_problem(["body", field], message, type_=self.code)])


class OfferAlreadySubscribed(Conflict):
    """The contract already runs this offer; a plan change needs another offer."""

    code = "offer_already_subscribed"
    action = "Choose a different offer for a plan change."

    def __init__(self, contract_number: str) -> None:
        message = f"Contract {contract_number} already runs this offer; a plan change needs another offer."
        super().__init__(message, details=[field_problem(["body", "offer_id"], message, type_=self.code)])


class NoContractToChange(BusinessValidationError):
    """A plan change was asked but the client has no compatible active contract (or line of that number)."""

    code = "no_contract_to_change"
    action = "Send intent new_line, or name an existing line of the client."

    def __init__(self, message: str, field: str = "target_contract_id") -> None:
        super().__init__(["body", field], message)


class NumberMismatch(BusinessValidationError):
    """The number given is not the line of the target contract."""

    code = "number_mismatch"
    action = "Send the target contract's own number, or leave the number out."


class ProvisioningAmbiguous(Conflict):
    """Several contracts could take the plan change: details list the candidate contracts."""

    code = "provisioning_ambiguous"
    action = "Let the user pick one candidate and resend with its target_contract_id (or intent new_line)."

    def __init__(self, message: str, candidates: list[dict[str, Any]]) -> None:
        details = [
            field_problem(["body", "target_contract_id"], "candidate contract", type_="candidate", **candidate)
            for candidate in candidates
        ]
        super().__init__(message, details=details)


class NumberUnavailable(Conflict):
    """The number already belongs to another live line."""

    code = "number_unavailable"
    message = "This number already belongs to another live line."
    action = "Choose another number, or leave it out to get one from the pool."

    def __init__(self, field: str = "phone_number") -> None:
        message = "This number already belongs to another live line."
        super().__init__(message, details=[field_problem(["body", field], message, type_=self.code)])


class NumberPoolExhausted(Conflict):
    """No free mobile number is left in the allocation pool."""

    code = "number_pool_exhausted"
    message = "No free mobile number is left in the allocation pool; ask for a specific number."
    action = "Send a specific free number, and tell the operations team the pool is empty."


class InvalidStatusTransition(Conflict):
    """The contract or line cannot go from its current status to the one asked."""

    code = "invalid_status_transition"
    action = "Reload the contract and offer only the transitions its status allows."


class SubscriberHasLiveContract(Conflict):
    """The line still has a live contract."""

    code = "subscriber_has_live_contract"
    message = "The line still has a live contract: terminate the contract, which terminates the line."
    action = "Terminate the contract instead; it terminates the line."


class DocumentIntegrityError(AppError):
    """The stored contract document does not match its recorded SHA-256; it is not served."""

    action = "Report the correlation_id to support; the document must be regenerated."
    status_code = 500
    code = "document_integrity_error"
    message = "The stored document does not match its recorded SHA-256; it is not served."
