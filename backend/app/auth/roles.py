from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    BILLING = "billing"
    COLLECTIONS = "collections"
    AUDITOR = "auditor"
