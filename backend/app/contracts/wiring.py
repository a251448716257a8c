"""What contracts registers when the application is wired (called by app.wiring.wire): its constraint
answers, and its answers to the questions of customers (history, live services) and catalog (offer usage)."""

from __future__ import annotations

from app.catalog import usage
from app.contracts import service
from app.contracts.billed_periods import PeriodAlreadyBilled
from app.contracts.exceptions import NumberUnavailable, SubscriberHasLiveContract
from app.customers import history
from app.errors import ValidationFailed, register_constraint_error


def wire() -> None:
    register_constraint_error("uq_subscribers_number_live", NumberUnavailable, field="phone_number")
    register_constraint_error(
        "uq_contracts_subscriber_live", SubscriberHasLiveContract, message="This line already has a live contract."
    )
    register_constraint_error(
        "ck_subscribers_number_family",
        ValidationFailed,
        field="phone_number",
        message="Mobile lines take mobile numbers (6/7); internet and landline lines take landline numbers (5/8).",
    )
    register_constraint_error("period_already_billed", PeriodAlreadyBilled)
    history.client_history_checks.register("contract", service.client_has_contract_history)
    history.live_service_checks.register("contract", service.client_has_live_contracts)
    usage.offer_usage_checks.register("contract", service.offer_sold_on_contracts)
