"""The contract PDF: generated at signature, stored with its SHA-256, served only when it still matches."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.contracts import service
from app.contracts.exceptions import DocumentIntegrityError
from app.contracts.models import ContractDocument
from tests.fixtures.auth import auth_headers
from tests.fixtures.contracts_factories import create_contract, provision_request
from tests.fixtures.factories import create_client, create_offer


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


class TestGeneratedAtSignature:
    async def test_a_pdf_is_stored_with_hash_size_and_metadata(self, session: AsyncSession) -> None:
        client = await create_client(session, first_name="Salma", last_name="Bennani", cin="AB123456")
        offer = await create_offer(session, "fiber", name="Fibre Max 200", code="FIB-MAX-200")
        result = await service.provision_contract(
            session, provision_request(client, offer, home_landline_local_number="0537112233")
        )

        document = await service.get_contract_document(session, result.contract.id)

        assert document.content_type == "application/pdf"
        assert document.content.startswith(b"%PDF")
        assert document.size_bytes == len(document.content)
        assert document.sha256 == hashlib.sha256(document.content).hexdigest()
        assert document.filename == f"{result.contract.contract_number}.pdf"
        assert document.metadata_["contract_number"] == result.contract.contract_number
        assert document.metadata_["offer_code"] == "FIB-MAX-200"
        assert document.metadata_["phone_number"] == "+212537112233"

        text = _text(document.content)
        for expected in (
            result.contract.contract_number,
            "Salma Bennani",
            "AB123456",
            "Fibre Max 200",
            "FIB-MAX-200",
            "+212537112233",
            "2026-03-01",
            "199.00",
            "100 Mbit/s",
        ):
            assert expected in text, expected

    async def test_a_plan_change_document_names_the_contract_it_replaces(self, session: AsyncSession) -> None:
        client = await create_client(session)
        old = await create_contract(session, client, await create_offer(session, "mobile"))
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile", monthly_fee=Decimal("249.00")))
        )
        document = await service.get_contract_document(session, result.contract.id)
        text = _text(document.content)
        assert old.contract_number in text
        assert "249.00" in text
        assert document.metadata_["replaced_contract_number"] == old.contract_number

    async def test_one_document_per_signed_contract(self, session: AsyncSession) -> None:
        client = await create_client(session)
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"))
        )
        count = await session.scalar(select(func.count()).where(ContractDocument.contract_id == result.contract.id))
        assert count == 1

    async def test_a_tampered_document_fails_verification(self, session: AsyncSession) -> None:
        client = await create_client(session)
        result = await service.provision_contract(
            session, provision_request(client, await create_offer(session, "mobile"))
        )
        document = await service.get_contract_document(session, result.contract.id)
        document.content = document.content.replace(b"MT-Facturation", b"MT-Falsified!!", 1)
        with pytest.raises(DocumentIntegrityError):
            service.verified_document_content(document)


class TestDocumentEndpoint:
    @pytest.mark.parametrize("role", ["operator", "billing", "collections", "auditor"])
    async def test_staff_download_the_pdf_and_its_hash_matches_the_stored_one(
        self, client: httpx.AsyncClient, session: AsyncSession, role: str
    ) -> None:
        owner = await create_client(session, first_name="Omar", last_name="Idrissi")
        offer = await create_offer(session, "mobile", name="Mobile Liberté 30")
        result = await service.provision_contract(session, provision_request(owner, offer))
        stored = await service.get_contract_document(session, result.contract.id)

        response = await client.get(f"/api/v1/contracts/{result.contract.id}/document", headers=auth_headers(role))

        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == stored.sha256
        assert response.headers["X-Content-SHA256"] == stored.sha256
        text = _text(response.content)
        assert result.contract.contract_number in text
        assert "Omar Idrissi" in text
        assert "Mobile Liberté 30" in text

    async def test_a_document_whose_bytes_changed_is_not_served(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        owner = await create_client(session)
        result = await service.provision_contract(
            session, provision_request(owner, await create_offer(session, "mobile"))
        )
        await session.execute(
            update(ContractDocument)
            .where(ContractDocument.contract_id == result.contract.id)
            .values(content=b"%PDF-1.4 forged")
        )
        response = await client.get(f"/api/v1/contracts/{result.contract.id}/document", headers=auth_headers("admin"))
        assert response.status_code == 500
        assert response.json()["error"]["code"] == "document_integrity_error"

    async def test_a_contract_without_document_is_404(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        contract = await create_contract(session)
        response = await client.get(f"/api/v1/contracts/{contract.id}/document", headers=auth_headers("operator"))
        assert response.status_code == 404

    async def test_the_document_needs_a_staff_token(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        contract = await create_contract(session)
        response = await client.get(f"/api/v1/contracts/{contract.id}/document")
        assert response.status_code == 401
