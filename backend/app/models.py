"""Every module's models, imported so that Alembic and the tests see the whole schema."""

from app.auth.models import User
from app.billing.models import (
    BilledActivation,
    BilledContractMonth,
    BillingRun,
    BillingRunFailure,
    Invoice,
    InvoiceDocument,
    InvoiceLine,
    InvoiceNumberCounter,
)
from app.catalog.models import Offer
from app.collections.models import (
    CollectionAction,
    CollectionCase,
    CollectionCaseInvoice,
    OutboxEvent,
    Payment,
    PaymentAllocation,
)
from app.contracts.models import (
    Contract,
    ContractDocument,
    ContractNumberCounter,
    ContractSuspension,
    NumberAllocationCursor,
    Subscriber,
)
from app.customers.models import Client
from app.db import Base
from app.kit.audit import AuditRecord
from app.kit.idempotency import IdempotencyRecord
from app.landing.models import LandingDraft
from app.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AuditRecord",
    "Base",
    "BilledActivation",
    "BilledContractMonth",
    "BillingRun",
    "BillingRunFailure",
    "Client",
    "CollectionAction",
    "CollectionCase",
    "CollectionCaseInvoice",
    "Contract",
    "ContractDocument",
    "ContractNumberCounter",
    "ContractSuspension",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceDocument",
    "InvoiceLine",
    "InvoiceNumberCounter",
    "LandingDraft",
    "NumberAllocationCursor",
    "Offer",
    "OutboxEvent",
    "Payment",
    "PaymentAllocation",
    "Subscriber",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
]
