"""Route guards: a route declares the roles it accepts; admin is accepted everywhere."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.roles import Role
from app.auth.service import decode_access_token
from app.config import get_settings
from app.errors import Forbidden, NotAuthenticated
from app.kit.correlation import Actor, actor_var

_bearer = HTTPBearer(auto_error=False, description="JWT from POST /api/v1/auth/token")


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
    # Read by app.main to document each operation's roles in OpenAPI (x-roles) and docs/api-reference.md.
    setattr(guard, "accepted_roles", frozenset(accepted))  # noqa: B010
    return guard
