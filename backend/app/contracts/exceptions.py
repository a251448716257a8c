from __future__ import annotations

from typing import Any

from app.errors import AppError, BusinessValidationError, Conflict, NotFound


class ContractNotFound(NotFound):
    message = "Contract not found."


class SubscriberNotFound(NotFound):
    message = "Subscriber not found."


class ContractDocumentNotFound(NotFound):
    message = "This contract has no document."


class ClientTerminated(Conflict):
    code = "client_terminated"
    message = "The client is terminated; no contract can be provisioned for it."


class OfferNotAvailable(BusinessValidationError):
    def __init__(self, message: str) -> None:
        super().__init__(["body", "offer_id"], message, code="offer_not_available")


class ServiceTypeIncompatible(BusinessValidationError):
    def __init__(self, message: str, field: str = "offer_id") -> None:
        super().__init__(["body", field], message, code="service_type_incompatible")


class InvalidTargetContract(BusinessValidationError):
    def __init__(self) -> None:
        super().__init__(
            ["body", "target_contract_id"], "No contract of this client has this id.", code="invalid_target_contract"
        )


class ContractNotActive(Conflict):
    code = "contract_not_active"

    def __init__(self, message: str, field: str = "target_contract_id") -> None:
        super().__init__(message, details=[{"loc": ["body", field], "msg": message, "type": self.code}])


class OfferAlreadySubscribed(Conflict):
    code = "offer_already_subscribed"

    def __init__(self, contract_number: str) -> None:
        message = f"Contract {contract_number} already runs this offer; a plan change needs another offer."
        super().__init__(message, details=[{"loc": ["body", "offer_id"], "msg": message, "type": self.code}])


class NoContractToChange(BusinessValidationError):
    def __init__(self, message: str, field: str = "target_contract_id") -> None:
        super().__init__(["body", field], message, code="no_contract_to_change")


class ProvisioningAmbiguous(Conflict):
    """Several contracts could take the plan change: the caller chooses with target_contract_id."""

    code = "provisioning_ambiguous"

    def __init__(self, message: str, candidates: list[dict[str, Any]]) -> None:
        details = [
            {"loc": ["body", "target_contract_id"], "msg": "candidate contract", "type": "candidate", **candidate}
            for candidate in candidates
        ]
        super().__init__(message, details=details)


class NumberUnavailable(Conflict):
    code = "number_unavailable"

    def __init__(self, field: str = "phone_number") -> None:
        message = "This number already belongs to another live line."
        super().__init__(message, details=[{"loc": ["body", field], "msg": message, "type": self.code}])


class NumberPoolExhausted(Conflict):
    code = "number_pool_exhausted"
    message = "No free mobile number is left in the allocation pool; ask for a specific number."


class InvalidStatusTransition(Conflict):
    code = "invalid_status_transition"


class SubscriberHasLiveContract(Conflict):
    code = "subscriber_has_live_contract"
    message = "The line still has a live contract: terminate the contract, which terminates the line."


class DocumentIntegrityError(AppError):
    status_code = 500
    code = "document_integrity_error"
    message = "The stored document does not match its recorded SHA-256; it is not served."
