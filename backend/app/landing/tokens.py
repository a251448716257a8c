"""Signed, short-lived tokens of the public landing journeys (JWT HS256 with the landing secret).

Each purpose has its own `typ`, so a token minted for one purpose is refused for another, and none of
them is ever a staff token (staff tokens use another secret and `typ` "access"). A lookup token is bound
to a keyed digest of the CIN, never to the raw CIN, because a JWT payload is readable by whoever holds
it and lookup tokens travel in URLs. A document token is bound to one document.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt

from app.config import Settings
from app.landing.exceptions import (
    DocumentTokenMismatch,
    InvalidDocumentToken,
    InvalidLookupToken,
    OneTimeCodeRequired,
)

ISSUER = "mt-facturation-landing"
_ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ["sub", "typ", "iat", "exp", "jti", "iss"]


class TokenType(StrEnum):
    LOOKUP = "landing_lookup"
    CONTRACT_DOCUMENT = "landing_contract_document"
    INVOICE_DOCUMENT = "landing_invoice_document"


DOCUMENT_TOKEN_TYPES = frozenset({TokenType.CONTRACT_DOCUMENT, TokenType.INVOICE_DOCUMENT})


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime

    @property
    def expires_in(self) -> int:
        return max(0, int((self.expires_at - datetime.now(UTC)).total_seconds()))


def cin_digest(settings: Settings, cin: str) -> str:
    """A keyed digest of a normalised CIN: binds tokens and rate-limit counters without the raw value."""
    secret = settings.landing_token_secret.get_secret_value().encode()
    return hmac.new(secret, f"cin\x1f{cin}".encode(), hashlib.sha256).hexdigest()


def _issue(
    settings: Settings,
    typ: TokenType,
    subject: str,
    minutes: int,
    now: datetime | None,
    extra: dict[str, Any] | None = None,
) -> IssuedToken:
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    expires = issued + timedelta(minutes=minutes)
    claims: dict[str, Any] = {
        "sub": subject,
        "typ": typ.value,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
        "iss": ISSUER,
        **(extra or {}),
    }
    return IssuedToken(jwt.encode(claims, settings.landing_token_secret.get_secret_value(), _ALGORITHM), expires)


def _decode(settings: Settings, token: str) -> dict[str, Any] | None:
    """The claims of a well-formed, correctly signed, unexpired landing token; None otherwise."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.landing_token_secret.get_secret_value(),
            algorithms=[_ALGORITHM],
            issuer=ISSUER,
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError:
        return None
    return claims


def issue_lookup_token(
    settings: Settings, cin: str, *, otp_verified: bool = False, now: datetime | None = None
) -> IssuedToken:
    """A lookup token for one (normalised) CIN, valid `landing_lookup_token_minutes`; `otp` says whether the
    caller has also entered the one-time code sent to the contact on file."""
    return _issue(
        settings,
        TokenType.LOOKUP,
        cin_digest(settings, cin),
        settings.landing_lookup_token_minutes,
        now,
        {"otp": otp_verified},
    )


def verify_lookup_token(settings: Settings, token: str, cin: str, *, require_otp: bool | None = None) -> None:
    """Accept only an unexpired, untampered lookup token minted for this very CIN, and, under the `otp`
    verification policy (or when `require_otp`), only once its one-time code was entered."""
    claims = _decode(settings, token)
    if claims is None or claims["typ"] != TokenType.LOOKUP:
        raise InvalidLookupToken()
    if not hmac.compare_digest(str(claims["sub"]), cin_digest(settings, cin)):
        raise InvalidLookupToken()
    if require_otp is None:
        require_otp = settings.landing_verification == "otp"
    if require_otp and claims.get("otp") is not True:
        raise OneTimeCodeRequired()


def lookup_token_verified(settings: Settings, token: str | None, cin: str) -> bool:
    """Whether `token` is a valid lookup token of this CIN whose one-time code was entered."""
    if not token:
        return False
    try:
        verify_lookup_token(settings, token, cin, require_otp=True)
    except (InvalidLookupToken, OneTimeCodeRequired):
        return False
    return True


def issue_document_token(
    settings: Settings, typ: TokenType, document_id: uuid.UUID, *, now: datetime | None = None
) -> IssuedToken:
    """A token that opens exactly one document, valid `landing_document_token_minutes`."""
    assert typ in DOCUMENT_TOKEN_TYPES
    return _issue(settings, typ, str(document_id), settings.landing_document_token_minutes, now)


def document_token_subject(settings: Settings, token: str, typ: TokenType) -> str:
    """The document id a valid token of this kind opens (401 invalid, 403 a token for another kind)."""
    claims = _decode(settings, token)
    if claims is None or claims["typ"] not in DOCUMENT_TOKEN_TYPES:
        raise InvalidDocumentToken()
    if claims["typ"] != typ:
        raise DocumentTokenMismatch()
    return str(claims["sub"])
