"""Contract and invoice PDFs behind signed links: one token opens one document, for 15 minutes."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import service as billing_service
from app.billing.schemas import BillingRunCreate
from app.config import get_settings
from app.contracts import service as contracts_service
from app.landing import tokens
from tests.fixtures.factories import create_offer
from tests.fixtures.landing_factories import LANDING, bill_period, landing_cin, next_month, subscribe, verify_cin


def _token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


class _Subscription:
    def __init__(self, cin: str, contract_id: str, answer: dict[str, object]) -> None:
        self.cin, self.contract_id, self.answer = cin, contract_id, answer


@pytest.fixture
async def subscription(client: httpx.AsyncClient, session: AsyncSession) -> _Subscription:
    offer = await create_offer(session, "mobile")
    cin = landing_cin()
    answer = await subscribe(client, offer, cin=cin)
    await session.commit()
    return _Subscription(cin, answer["contract"]["contract_id"], answer)


class TestContractDocumentLink:
    async def test_a_lookup_token_of_the_owner_gets_a_fifteen_minute_link(
        self, client: httpx.AsyncClient, session: AsyncSession, subscription: _Subscription
    ) -> None:
        token = await verify_cin(client, subscription.cin)
        response = await client.post(
            f"{LANDING}/contracts/{subscription.contract_id}/document-link",
            json={"cin": subscription.cin, "lookup_token": token},
        )
        assert response.status_code == 200, response.text
        link = response.json()
        expires_at = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00"))
        assert timedelta(minutes=14) < expires_at - datetime.now(UTC) <= timedelta(minutes=15)

        pdf = await client.get(link["url"])

        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["cache-control"] == "no-store"
        assert pdf.headers["content-disposition"].startswith("attachment;")
        stored = await contracts_service.get_contract_document(session, uuid.UUID(subscription.contract_id))
        # Under the CIN-only policy the link opens a masked copy, not the stored legal document.
        assert hashlib.sha256(pdf.content).hexdigest() != stored.sha256
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert subscription.answer["contract"]["contract_number"] in text  # type: ignore[index]
        assert subscription.cin not in text

    async def test_the_link_given_at_submit_opens_the_same_pdf(
        self, client: httpx.AsyncClient, subscription: _Subscription
    ) -> None:
        response = await client.get(subscription.answer["document"]["url"])  # type: ignore[index]
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")

    async def test_a_token_of_another_cin_is_refused(
        self, client: httpx.AsyncClient, subscription: _Subscription
    ) -> None:
        other = landing_cin()
        token = await verify_cin(client, other)
        response = await client.post(
            f"{LANDING}/contracts/{subscription.contract_id}/document-link",
            json={"cin": subscription.cin, "lookup_token": token},
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_lookup_token"

    async def test_another_clients_contract_is_not_found(
        self, client: httpx.AsyncClient, session: AsyncSession, subscription: _Subscription
    ) -> None:
        intruder = landing_cin()
        token = await verify_cin(client, intruder)
        for contract_id in (subscription.contract_id, str(uuid.uuid4())):
            response = await client.post(
                f"{LANDING}/contracts/{contract_id}/document-link", json={"cin": intruder, "lookup_token": token}
            )
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "contract_not_found"


class TestContractDocument:
    async def test_a_missing_expired_or_tampered_token_is_401(
        self, client: httpx.AsyncClient, session: AsyncSession, subscription: _Subscription
    ) -> None:
        url = f"{LANDING}/contracts/{subscription.contract_id}/document"
        document = await contracts_service.get_contract_document(session, uuid.UUID(subscription.contract_id))
        expired = tokens.issue_document_token(
            get_settings(),
            tokens.TokenType.CONTRACT_DOCUMENT,
            document.id,
            now=datetime.now(UTC) - timedelta(minutes=16),
        ).token
        good = _token_of(subscription.answer["document"]["url"])  # type: ignore[index]
        lookup = await verify_cin(client, subscription.cin)
        for params in ({}, {"token": expired}, {"token": good[:-3] + "abc"}, {"token": lookup}):
            response = await client.get(url, params=params)
            assert response.status_code == 401, params
            assert response.json()["error"]["code"] == "invalid_document_token"

    async def test_a_token_for_another_contract_is_403(
        self, client: httpx.AsyncClient, session: AsyncSession, subscription: _Subscription
    ) -> None:
        offer = await create_offer(session, "mobile")
        other = await subscribe(client, offer)
        other_token = _token_of(other["document"]["url"])
        response = await client.get(
            f"{LANDING}/contracts/{subscription.contract_id}/document", params={"token": other_token}
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "document_token_mismatch"

    async def test_an_invoice_token_does_not_open_a_contract(
        self, client: httpx.AsyncClient, subscription: _Subscription
    ) -> None:
        invoice_token = tokens.issue_document_token(
            get_settings(), tokens.TokenType.INVOICE_DOCUMENT, uuid.UUID(subscription.contract_id)
        ).token
        response = await client.get(
            f"{LANDING}/contracts/{subscription.contract_id}/document", params={"token": invoice_token}
        )
        assert response.status_code == 403


class TestInvoiceDocument:
    @pytest.fixture
    async def invoice_links(self, client: httpx.AsyncClient, session: AsyncSession) -> list[dict[str, str]]:
        """Two billed landing clients; the invoice link of each."""
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("100.00"), activation_fee=Decimal("0.00"))
        start, end = next_month()
        cins = [landing_cin(), landing_cin()]
        for cin in cins:
            await subscribe(client, offer, cin=cin, contract_start_date=start.isoformat())
        await bill_period(session, start, end)
        await session.commit()
        links = []
        for cin in cins:
            token = await verify_cin(client, cin)
            invoice = (await client.get(f"{LANDING}/clients/{cin}/invoices", params={"lookup_token": token})).json()[
                "items"
            ][0]
            links.append({"id": invoice["invoice_id"], "number": invoice["invoice_number"], **invoice["document"]})
        return links

    async def test_an_invoice_whose_pdf_is_not_rendered_is_404_document_not_available(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        offer = await create_offer(session, "mobile", monthly_fee=Decimal("100.00"), activation_fee=Decimal("0.00"))
        start, end = next_month()
        cin = landing_cin()
        await subscribe(client, offer, cin=cin, contract_start_date=start.isoformat())
        run = await billing_service.create_billing_run(session, BillingRunCreate(period_start=start, period_end=end))
        await billing_service.run_billing_to_completion(session, run.id, render_pdfs=False)
        token = await verify_cin(client, cin)
        listed = await client.get(f"{LANDING}/clients/{cin}/invoices", params={"lookup_token": token})
        invoice = listed.json()["items"][0]
        # No link is handed out while the PDF is missing ...
        assert invoice["document"] is None
        # ... and a link minted anyway does not turn the billing module's 409 into the landing's answer.
        minted = tokens.issue_document_token(
            get_settings(), tokens.TokenType.INVOICE_DOCUMENT, uuid.UUID(invoice["invoice_id"])
        )
        response = await client.get(
            f"{LANDING}/invoices/{invoice['invoice_id']}/document", params={"token": minted.token}
        )
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "document_not_available"

    async def test_the_link_streams_the_invoice_pdf(
        self, client: httpx.AsyncClient, invoice_links: list[dict[str, str]]
    ) -> None:
        response = await client.get(invoice_links[0]["url"])
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert invoice_links[0]["number"] in text

    async def test_a_token_of_another_invoice_is_403(
        self, client: httpx.AsyncClient, invoice_links: list[dict[str, str]]
    ) -> None:
        response = await client.get(
            f"{LANDING}/invoices/{invoice_links[0]['id']}/document",
            params={"token": _token_of(invoice_links[1]["url"])},
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "document_token_mismatch"

    async def test_expired_tampered_or_contract_tokens_are_refused(
        self, client: httpx.AsyncClient, invoice_links: list[dict[str, str]]
    ) -> None:
        invoice_id = uuid.UUID(invoice_links[0]["id"])
        url = f"{LANDING}/invoices/{invoice_id}/document"
        expired = tokens.issue_document_token(
            get_settings(), tokens.TokenType.INVOICE_DOCUMENT, invoice_id, now=datetime.now(UTC) - timedelta(minutes=16)
        ).token
        for token in (expired, _token_of(invoice_links[0]["url"])[:-3] + "xyz"):
            response = await client.get(url, params={"token": token})
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "invalid_document_token"
        contract_token = tokens.issue_document_token(get_settings(), tokens.TokenType.CONTRACT_DOCUMENT, invoice_id)
        assert (await client.get(url, params={"token": contract_token.token})).status_code == 403
