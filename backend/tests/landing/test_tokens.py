"""Landing tokens: signed with the landing secret, one `typ` per purpose, short-lived, bound to a CIN or a document."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from app.auth.models import User
from app.auth.service import decode_access_token, issue_access_token
from app.config import Settings, get_settings
from app.errors import NotAuthenticated
from app.landing import tokens
from app.landing.exceptions import DocumentTokenMismatch, InvalidDocumentToken, InvalidLookupToken
from tests.fixtures.auth import token_for


def _tamper(token: str) -> str:
    header, _payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["sub"] = tokens.cin_digest(get_settings(), "ZZ999999")
    forged_payload = jwt.encode(claims, "a-guessed-secret-that-is-long-enough-0123", algorithm="HS256").split(".")[1]
    return f"{header}.{forged_payload}.{signature}"


class TestLookupTokens:
    def test_a_fresh_token_opens_its_own_cin(self) -> None:
        settings = get_settings()
        issued = tokens.issue_lookup_token(settings, "AB123456")
        tokens.verify_lookup_token(settings, issued.token, "AB123456")
        assert 14 * 60 <= issued.expires_in <= 15 * 60

    def test_the_token_lives_fifteen_minutes_by_default(self) -> None:
        settings = get_settings()
        now = datetime.now(UTC) - timedelta(minutes=14, seconds=50)
        tokens.verify_lookup_token(settings, tokens.issue_lookup_token(settings, "AB123456", now=now).token, "AB123456")
        expired = tokens.issue_lookup_token(settings, "AB123456", now=datetime.now(UTC) - timedelta(minutes=16))
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(settings, expired.token, "AB123456")

    def test_a_token_for_another_cin_is_refused(self) -> None:
        settings = get_settings()
        issued = tokens.issue_lookup_token(settings, "AB123456")
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(settings, issued.token, "AB123457")

    def test_a_tampered_token_is_refused(self) -> None:
        settings = get_settings()
        issued = tokens.issue_lookup_token(settings, "AB123456")
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(settings, _tamper(issued.token), "ZZ999999")
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(settings, issued.token[:-3] + "abc", "AB123456")

    def test_a_token_signed_with_another_secret_is_refused(self) -> None:
        other = Settings(landing_token_secret="some-other-landing-secret-0123456789")
        issued = tokens.issue_lookup_token(other, "AB123456")
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(get_settings(), issued.token, "AB123456")

    def test_a_staff_token_is_never_a_lookup_token(self) -> None:
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(get_settings(), token_for("admin"), "AB123456")

    def test_a_document_token_is_not_a_lookup_token(self) -> None:
        settings = get_settings()
        document = tokens.issue_document_token(settings, tokens.TokenType.CONTRACT_DOCUMENT, uuid.uuid4())
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(settings, document.token, "AB123456")

    def test_the_token_does_not_carry_the_raw_cin(self) -> None:
        issued = tokens.issue_lookup_token(get_settings(), "AB123456")
        claims = jwt.decode(issued.token, options={"verify_signature": False})
        assert claims["typ"] == "landing_lookup"
        assert "AB123456" not in str(claims)


class TestDocumentTokens:
    def test_a_token_names_its_document_and_kind(self) -> None:
        settings = get_settings()
        document_id = uuid.uuid4()
        issued = tokens.issue_document_token(settings, tokens.TokenType.INVOICE_DOCUMENT, document_id)
        assert tokens.document_token_subject(settings, issued.token, tokens.TokenType.INVOICE_DOCUMENT) == str(
            document_id
        )
        claims = jwt.decode(issued.token, options={"verify_signature": False})
        assert claims["typ"] == "landing_invoice_document"

    def test_a_token_of_the_other_kind_is_forbidden(self) -> None:
        settings = get_settings()
        issued = tokens.issue_document_token(settings, tokens.TokenType.INVOICE_DOCUMENT, uuid.uuid4())
        with pytest.raises(DocumentTokenMismatch):
            tokens.document_token_subject(settings, issued.token, tokens.TokenType.CONTRACT_DOCUMENT)

    def test_expired_tampered_lookup_and_staff_tokens_are_invalid(self) -> None:
        settings = get_settings()
        expired = tokens.issue_document_token(
            settings, tokens.TokenType.CONTRACT_DOCUMENT, uuid.uuid4(), now=datetime.now(UTC) - timedelta(minutes=16)
        )
        fresh = tokens.issue_document_token(settings, tokens.TokenType.CONTRACT_DOCUMENT, uuid.uuid4())
        for bad in (
            expired.token,
            fresh.token[:-2] + "xx",
            tokens.issue_lookup_token(settings, "AB123456").token,
            token_for("admin"),
            "not-a-token",
        ):
            with pytest.raises(InvalidDocumentToken):
                tokens.document_token_subject(settings, bad, tokens.TokenType.CONTRACT_DOCUMENT)


class TestLandingTokensOnStaffRoutes:
    async def test_lookup_and_document_tokens_never_open_a_staff_route(self, client: httpx.AsyncClient) -> None:
        settings = get_settings()
        for token in (
            tokens.issue_lookup_token(settings, "AB123456").token,
            tokens.issue_document_token(settings, tokens.TokenType.CONTRACT_DOCUMENT, uuid.uuid4()).token,
            tokens.issue_document_token(settings, tokens.TokenType.INVOICE_DOCUMENT, uuid.uuid4()).token,
        ):
            for path in ("/api/v1/clients", "/api/v1/invoices", "/api/v1/contracts"):
                response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 401, (path, response.text)
                assert response.json()["error"]["code"] == "not_authenticated"

    async def test_even_with_one_secret_for_both_a_landing_token_is_not_a_staff_token(self) -> None:
        # Defence in depth: should an operator reuse the staff secret for the landing, the `typ` still differs.
        shared = "one-secret-for-everything-0123456789abcdef"
        settings = Settings(jwt_secret=shared, landing_token_secret=shared)  # type: ignore[arg-type]
        with pytest.raises(NotAuthenticated):
            decode_access_token(settings, tokens.issue_lookup_token(settings, "AB123456").token)
        staff_token, _ = issue_access_token(settings, User(username="operator-1", roles=["admin"]))
        with pytest.raises(InvalidLookupToken):
            tokens.verify_lookup_token(settings, staff_token, "AB123456")
        with pytest.raises(InvalidDocumentToken):
            tokens.document_token_subject(settings, staff_token, tokens.TokenType.CONTRACT_DOCUMENT)
