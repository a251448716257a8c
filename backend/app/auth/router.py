from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from sqlalchemy import select

from app.auth import service
from app.auth.deps import authenticated_actor, require_roles
from app.auth.models import User
from app.auth.schemas import Principal, TokenResponse, UserCreate, UserRead, UserUpdate
from app.config import get_settings
from app.db import SessionDep
from app.errors import AppError, NotAuthenticated
from app.kit.correlation import Actor
from app.kit.pagination import Page, PageDep, fetch_page

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
AdminDep = Annotated[Actor, Depends(require_roles())]


class UnsupportedGrantType(AppError):
    status_code = 400
    code = "unsupported_grant_type"
    message = "grant_type must be 'password' or 'client_credentials'."


@router.post(
    "/token",
    operation_id="auth-token",
    summary="Obtain an access token (OAuth2 password grant for staff, client_credentials for services)",
    responses={401: {"description": "Invalid credentials (not_authenticated)."}},
)
async def token(
    session: SessionDep,
    grant_type: Annotated[str, Form()] = "password",
    username: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
) -> TokenResponse:
    if grant_type == "password":
        login, secret, kind = username, password, "staff"
    elif grant_type == "client_credentials":
        login, secret, kind = client_id, client_secret, "service"
    else:
        raise UnsupportedGrantType()
    if not login or not secret:
        raise NotAuthenticated("Invalid credentials.")
    user = await service.authenticate(session, login, secret, kind=kind)
    access_token, expires_in = service.issue_access_token(get_settings(), user)
    return TokenResponse(access_token=access_token, expires_in=expires_in, roles=sorted(user.roles))


@router.get("/me", operation_id="auth-me", summary="The caller's identity and roles")
async def me(actor: Annotated[Actor, Depends(authenticated_actor)]) -> Principal:
    return Principal(sub=actor.subject, roles=sorted(actor.roles), typ="access")


@router.get("/users", operation_id="users-list", summary="List staff users and service accounts (admin)")
async def list_users(session: SessionDep, page: PageDep, _: AdminDep) -> Page[UserRead]:
    rows, total = await fetch_page(session, select(User).order_by(User.username), page)
    return Page(items=[UserRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.post("/users", status_code=201, operation_id="users-create", summary="Create a user (admin)")
async def create_user(payload: UserCreate, session: SessionDep, _: AdminDep) -> UserRead:
    return UserRead.model_validate(await service.create_user(session, payload))


@router.patch("/users/{user_id}", operation_id="users-update", summary="Update a user's roles, password or state")
async def update_user(user_id: uuid.UUID, payload: UserUpdate, session: SessionDep, _: AdminDep) -> UserRead:
    return UserRead.model_validate(await service.update_user(session, user_id, payload))
