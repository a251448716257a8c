"""Correlation id of the request in flight, and the actor behind it, for logs, errors and audit."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

_SANE_ID = re.compile(r"^[\x21-\x7e]{1,128}$")

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)


@dataclass(frozen=True)
class Actor:
    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def role(self) -> str:
        """The role recorded in audit: the most privileged one the actor holds."""
        for role in ("admin", "billing", "collections", "operator", "auditor", "landing", "system"):
            if role in self.roles:
                return role
        return next(iter(sorted(self.roles)), "none")


SYSTEM_ACTOR = Actor("system", frozenset({"system"}))
actor_var: ContextVar[Actor | None] = ContextVar("actor", default=None)


def accept_or_generate(candidate: str | None) -> str:
    """Keep the caller's X-Correlation-ID when it is a sane token, otherwise make a new one."""
    if candidate and _SANE_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


def get_correlation_id() -> str | None:
    return correlation_id_var.get()


def current_actor() -> Actor:
    return actor_var.get() or SYSTEM_ACTOR
