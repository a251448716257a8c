"""Route guards: a route declares the roles it accepts; admin is accepted everywhere."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.roles import Role
from app.auth.service import decode_access_token
from app.config import get_settings
from app.errors import Forbidden, NotAuthenticated, raises
from app.kit.correlation import Actor, actor_var

_bearer = HTTPBearer(auto_error=False, description="JWT from POST /api/v1/auth/token")


@raises(NotAuthenticated)
async def authenticated_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise NotAuthenticated()
    claims = decode_access_token(get_settings(), credentials.credentials)
    actor = Actor(subject=str(claims["sub"]), roles=frozenset(str(r) for r in claims["roles"]))
    actor_var.set(actor)
    request.state.actor = actor
    return actor


def require_roles(*roles: Role, read: bool = False) -> Callable[..., Coroutine[Any, Any, Actor]]:
    accepted = {Role.ADMIN.value, *(r.value for r in roles)}
    if read:
        accepted.add(Role.AUDITOR.value)

    async def guard(actor: Annotated[Actor, Depends(authenticated_actor)]) -> Actor:
        if not accepted & actor.roles:
            raise Forbidden()
        return actor

    guard.__name__ = f"require_{'_'.join(sorted(accepted))}"
    return raises(Forbidden)(guard)


# The role aliases every router uses: who may do what is read here, in one place.
AuthenticatedDep = Annotated[Actor, Depends(authenticated_actor)]
AdminDep = Annotated[Actor, Depends(require_roles())]
AdminOrAuditorDep = Annotated[Actor, Depends(require_roles(read=True))]
OperatorDep = Annotated[Actor, Depends(require_roles(Role.OPERATOR))]
# Staff reading clients, offers and contracts: operators, billing, collections (and auditors, admins).
StaffReaderDep = Annotated[Actor, Depends(require_roles(Role.OPERATOR, Role.BILLING, Role.COLLECTIONS, read=True))]
BillingWriterDep = Annotated[Actor, Depends(require_roles(Role.BILLING))]
BillingReaderDep = Annotated[Actor, Depends(require_roles(Role.BILLING, read=True))]
# Collections agents read invoices to collect them.
InvoiceReaderDep = Annotated[Actor, Depends(require_roles(Role.BILLING, Role.COLLECTIONS, read=True))]
# Collections writes; billing and the auditor may read. Route-level lists (the routes take no actor argument).
COLLECTIONS_WRITE = [Depends(require_roles(Role.COLLECTIONS))]
COLLECTIONS_READ = [Depends(require_roles(Role.COLLECTIONS, Role.BILLING, read=True))]
