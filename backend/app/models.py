"""Every module's models, imported so that Alembic and the tests see the whole schema."""

from app.auth.models import User
from app.catalog.models import Offer
from app.contracts.models import Contract, ContractDocument, ContractSuspension, Subscriber
from app.customers.models import Client
from app.db import Base
from app.kit.audit import AuditRecord
from app.kit.idempotency import IdempotencyRecord

__all__ = [
    "AuditRecord",
    "Base",
    "Client",
    "Contract",
    "ContractDocument",
    "ContractSuspension",
    "IdempotencyRecord",
    "Offer",
    "Subscriber",
    "User",
]
