"""Route guards: a route declares the roles it accepts; admin is accepted everywhere."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.roles import Role
from app.auth.service import decode_access_token, ensure_token_current
from app.config import get_settings
from app.db import SessionDep
from app.errors import Forbidden, NotAuthenticated, raises
from app.kit.correlation import Actor, actor_var

# Where the staff token gate (app.middleware) leaves the claims it verified, in the request state.
VERIFIED_CLAIMS = "verified_staff_claims"
_bearer = HTTPBearer(auto_error=False, description="JWT from POST /api/v1/auth/token")


def verify_bearer_signature(authorization: str | None) -> dict[str, Any]:
    """The claims of a well-signed, unexpired staff token in an `Authorization: Bearer` header, else 401.

    Needs no database, so the request pipeline runs it before a body is parsed."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated()
    return decode_access_token(get_settings(), token.strip())


@raises(NotAuthenticated)
async def authenticated_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: SessionDep,
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise NotAuthenticated()
    # The staff token gate already verified this header's token (no second decode); without the gate, verify here.
    claims = getattr(request.state, VERIFIED_CLAIMS, None) or decode_access_token(
        get_settings(), credentials.credentials
    )
    # A deactivated, demoted or re-passworded user's tokens stop working at once (one indexed read).
    await ensure_token_current(session, claims)
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
    # Read by the OpenAPI description of each operation (and its x-roles) and by the authorisation matrix suite.
    guard.accepted_roles = frozenset(accepted)  # type: ignore[attr-defined]
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
