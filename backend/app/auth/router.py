from __future__ import annotations

import base64
import uuid
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select

from app.auth import service
from app.auth.deps import AdminDep, AdminOrAuditorDep, AuthenticatedDep
from app.auth.exceptions import LastAdmin, UnsupportedGrantType, UsernameTaken, UserNotFound
from app.auth.models import User
from app.auth.schemas import Principal, TokenResponse, UserCreate, UserRead, UserUpdate
from app.config import get_settings
from app.db import SessionDep
from app.errors import NotAuthenticated, error_responses
from app.kit.pagination import Page, PageDep, fetch_page
from app.kit.ratelimit import rate_limit

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
# The auditor reads everything, the user list included; only admins change users.


def _basic_client_credentials(request: Request) -> tuple[str, str] | None:
    """Client id and secret from `Authorization: Basic`, the way RFC 6749 2.3.1 lets OAuth2 clients send them."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are both ValueErrors
        raise NotAuthenticated("Invalid credentials.") from exc
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        raise NotAuthenticated("Invalid credentials.")
    return unquote_plus(client_id), unquote_plus(client_secret)


@router.post(
    "/token",
    operation_id="auth-token",
    summary="Obtain an access token (OAuth2 password grant for staff, client_credentials for services)",
    description=(
        "Form-encoded. Staff: `grant_type=password` with `username` and `password`. Service accounts: "
        "`grant_type=client_credentials` with `client_id` and `client_secret` in the form or in an "
        "`Authorization: Basic` header."
    ),
    responses=error_responses(UnsupportedGrantType, NotAuthenticated),
    dependencies=[Depends(rate_limit("auth-token", lambda settings: settings.auth_token_rate_limit))],
)
async def token(
    request: Request,
    session: SessionDep,
    grant_type: Annotated[str, Form(max_length=40)] = "password",
    username: Annotated[str | None, Form(max_length=120)] = None,
    password: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form(max_length=120)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenResponse:
    if grant_type == "password":
        login, secret, kind = username, password, "staff"
    elif grant_type == "client_credentials":
        login, secret, kind = client_id, client_secret, "service"
        if not login and (basic := _basic_client_credentials(request)) is not None:
            login, secret = basic
    else:
        raise UnsupportedGrantType()
    if not login or not secret:
        raise NotAuthenticated("Invalid credentials.")
    user = await service.authenticate(session, login, secret, kind=kind)
    access_token, expires_in = service.issue_access_token(get_settings(), user)
    return TokenResponse(access_token=access_token, expires_in=expires_in, roles=sorted(user.roles))


@router.get("/me", operation_id="auth-me", summary="The caller's identity and roles")
async def me(actor: AuthenticatedDep) -> Principal:
    return Principal(sub=actor.subject, roles=sorted(actor.roles), typ="access")


@router.get("/users", operation_id="users-list", summary="List staff users and service accounts (admin, auditor)")
async def list_users(session: SessionDep, page: PageDep, _: AdminOrAuditorDep) -> Page[UserRead]:
    rows, total = await fetch_page(session, select(User).order_by(User.username), page)
    return Page(items=[UserRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/users",
    status_code=201,
    operation_id="users-create",
    summary="Create a user (admin)",
    responses=error_responses(UsernameTaken),
)
async def create_user(payload: UserCreate, session: SessionDep, _: AdminDep) -> UserRead:
    return UserRead.model_validate(await service.create_user(session, payload))


@router.patch(
    "/users/{user_id}",
    operation_id="users-update",
    summary="Update a user's roles, password or state",
    responses=error_responses(UserNotFound, LastAdmin),
)
async def update_user(user_id: uuid.UUID, payload: UserUpdate, session: SessionDep, _: AdminDep) -> UserRead:
    return UserRead.model_validate(await service.update_user(session, user_id, payload))
