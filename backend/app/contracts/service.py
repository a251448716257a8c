"""The contracts module's service, the only entry other modules and the router use.

It is split by concern, each file small enough to read at once:
- decisions.py: what a provisioning request means (new line, or plan change on which contract);
- provisioning.py: carrying the decision out (lines, contracts, signed documents);
- lifecycle.py: suspend, resume, terminate; subscribers.py: technical line operations (admin);
- reads.py: contracts and lines as read by the API and other modules; lines.py, common.py: shared steps.
Services flush, never commit: the caller's unit of work commits.
"""

from __future__ import annotations

from app.contracts.common import (
    is_compatible,
)
from app.contracts.lifecycle import (
    resume_contract,
    suspend_contract,
    terminate_contract,
)
from app.contracts.provisioning import (
    provision_contract,
)
from app.contracts.reads import (
    client_has_contract_history,
    client_has_live_contracts,
    contracts_export_statement,
    count_contracts_by_client,
    describe_contract,
    get_contract,
    get_contract_document,
    get_subscriber,
    list_client_contracts,
    list_contracts,
    list_subscribers,
    list_suspensions,
    offer_sold_on_contracts,
    public_contract_copy,
    verified_document_content,
)
from app.contracts.subscribers import (
    create_subscriber,
    terminate_subscriber,
    update_subscriber,
)

__all__ = [
    "client_has_contract_history",
    "client_has_live_contracts",
    "contracts_export_statement",
    "count_contracts_by_client",
    "create_subscriber",
    "describe_contract",
    "get_contract",
    "get_contract_document",
    "get_subscriber",
    "is_compatible",
    "list_client_contracts",
    "list_contracts",
    "list_subscribers",
    "list_suspensions",
    "offer_sold_on_contracts",
    "provision_contract",
    "public_contract_copy",
    "resume_contract",
    "suspend_contract",
    "terminate_contract",
    "terminate_subscriber",
    "update_subscriber",
    "verified_document_content",
]
