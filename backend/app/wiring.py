"""The one place where business modules are wired together; the API (create_app) and the worker call it.

Lower modules ask higher ones questions through registries (app.kit.registry): customers asks who keeps
history about a client, who is still owed money and who holds copies of its personal data; catalog asks
who sells an offer; contracts asks billing what is already invoiced; errors.py asks which named
constraint means which business error. Nothing registers at import time: each module's `wiring.wire()`
registers its answers here, and `wire()` then checks every registry holds what this application needs.
A missing registration raises at start-up (WiringIncomplete); a registry read by a process that never
called `wire()` raises too (RegistryNotWired), instead of answering "no history" or "nothing billed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.auth import wiring as auth_wiring
from app.billing import wiring as billing_wiring
from app.catalog import usage
from app.catalog import wiring as catalog_wiring
from app.collections import wiring as collections_wiring
from app.contracts import billed_periods
from app.contracts import wiring as contracts_wiring
from app.customers import history
from app.customers import wiring as customers_wiring
from app.errors import CONSTRAINT_ERRORS
from app.kit.registry import Registry
from app.landing import wiring as landing_wiring

MODULES = (
    auth_wiring,
    customers_wiring,
    catalog_wiring,
    contracts_wiring,
    billing_wiring,
    collections_wiring,
    landing_wiring,
)

# What the complete application registers. A new module adding a check adds its kind here, so that a
# process which did not load it cannot start.
EXPECTED: dict[str, set[str]] = {
    "client history": {"contract", "invoice", "payment", "collection_case"},
    "live services": {"contract"},
    "outstanding balances": {"invoice"},
    "personal data erasers": {"landing_draft"},
    "offer usage": {"contract"},
    "billed through": {"invoice"},
    "activation billed": {"invoice"},
    "billed days correctors": {"invoice"},
}
EXPECTED_CONSTRAINTS = {
    "uq_users_username",
    "uq_clients_cin_live",
    "uq_offers_code",
    "uq_subscribers_number_live",
    "uq_contracts_subscriber_live",
    "ck_subscribers_number_family",
    "period_already_billed",
    "invoice_immutable",
    "invoice_lines_immutable",
    "ck_invoices_paid_within_total",
    "invoice_document_immutable",
    "credit_note_immutable",
    "ck_invoices_credited_within_total",
}


def registries() -> dict[str, Registry[Any]]:
    return {
        "client history": history.client_history_checks,
        "live services": history.live_service_checks,
        "outstanding balances": history.outstanding_balance_checks,
        "personal data erasers": history.personal_data_erasers,
        "offer usage": usage.offer_usage_checks,
        "billed through": billed_periods.billed_through_readers,
        "activation billed": billed_periods.activation_billed_readers,
        "billed days correctors": billed_periods.billed_days_correctors,
    }


class WiringIncomplete(RuntimeError):
    """A registry lacks an entry the application needs: a module's wiring was not called or is broken."""


@dataclass
class WiringReport:
    registries: dict[str, set[str]] = field(default_factory=dict)
    constraints: set[str] = field(default_factory=set)


def wire() -> WiringReport:
    """Register every module's answers, then refuse to go on if any registry is incomplete (idempotent)."""
    for module in MODULES:
        module.wire()
    problems = []
    for name, registry in registries().items():
        missing = registry.seal(EXPECTED[name])
        if missing:
            problems.append(f"{name}: missing {', '.join(sorted(missing))}")
    missing_constraints = EXPECTED_CONSTRAINTS - set(CONSTRAINT_ERRORS)
    if missing_constraints:
        problems.append(f"constraint errors: missing {', '.join(sorted(missing_constraints))}")
    if problems:
        raise WiringIncomplete("; ".join(problems))
    return WiringReport(
        registries={name: registry.kinds() for name, registry in registries().items()},
        constraints=set(CONSTRAINT_ERRORS),
    )
