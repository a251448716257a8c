from __future__ import annotations

from collections.abc import Sequence

from app.errors import AppError, Conflict, NotFound, ValidationFailed, field_problem


class OfferNotFound(NotFound):
    message = "Offer not found."


class OfferCodeTaken(Conflict):
    """Another offer already uses this code."""

    action = "Choose another offer code."
    code = "offer_code_taken"
    message = "Another offer already uses this code."

    def __init__(self) -> None:
        super().__init__(details=[field_problem(["body", "code"], self.message, type_=self.code)])


class OfferRetired(Conflict):
    """The offer is retired; it can no longer be changed."""

    action = "Create a new offer instead of changing a retired one."
    code = "offer_retired"
    message = "This offer is retired; it can no longer be changed."


class OfferInUse(AppError):
    """The offer is sold on existing records; details list the kinds of records."""

    action = "Create a new offer instead of changing the service type of one in use."
    status_code = 409
    code = "offer_in_use"
    message = "The offer is sold on existing records; its service type cannot change. Create a new offer instead."

    def __init__(self, field: str, usage_kinds: Sequence[str]) -> None:
        details = [
            field_problem(["body", field], f"The offer is used by {kind} records.", type_=kind) for kind in usage_kinds
        ]
        super().__init__(details=details)


class InvalidOffer(ValidationFailed):
    """422 for an update whose merged components break the category rules (spec 5.1)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__(details=[field_problem(["body", field], msg) for field, msg in problems])
