"""Contracts and lines as read by the API and by other modules (history, offer usage, documents)."""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import replace

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.models import Offer
from app.contracts.common import COMPATIBLE_SERVICE_TYPES
from app.contracts.documents import contract_sheet, render_contract_pdf
from app.contracts.exceptions import (
    ContractDocumentNotFound,
    ContractNotFound,
    DocumentIntegrityError,
    SubscriberNotFound,
)
from app.contracts.models import Contract, ContractDocument, ContractSuspension, Subscriber
from app.contracts.schemas import (
    ContractRead,
    contract_read,
)
from app.customers.models import Client
from app.kit.masking import mask_cin, mask_line_number, mask_street_address
from app.kit.pagination import PageParams, fetch_page_rows
from app.kit.phone import InvalidPhoneNumber, normalize_moroccan_number
from app.kit.search import escape_like


async def client_has_contract_history(session: AsyncSession, client_id: uuid.UUID) -> bool:
    """True when the client has (or had) a contract or a line: such a client is never hard-deleted."""
    has_contract = exists(select(Contract.id).where(Contract.client_id == client_id))
    has_line = exists(select(Subscriber.id).where(Subscriber.client_id == client_id))
    return bool(await session.scalar(select(has_contract | has_line)))


async def offer_sold_on_contracts(session: AsyncSession, offer_id: uuid.UUID) -> bool:
    """True when some contract sells the offer."""
    return bool(await session.scalar(select(exists(select(Contract.id).where(Contract.offer_id == offer_id)))))


async def client_has_live_contracts(session: AsyncSession, client_id: uuid.UUID) -> bool:
    """True when the client still holds an active or suspended contract."""
    live = select(Contract.id).where(Contract.client_id == client_id, Contract.status != "terminated")
    return bool(await session.scalar(select(exists(live))))


async def get_contract(session: AsyncSession, contract_id: uuid.UUID) -> Contract:
    """The contract with this id, or ContractNotFound."""
    contract = await session.get(Contract, contract_id)
    if contract is None:
        raise ContractNotFound()
    return contract


async def get_subscriber(session: AsyncSession, subscriber_id: uuid.UUID) -> Subscriber:
    """The line with this id, or SubscriberNotFound."""
    subscriber = await session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise SubscriberNotFound()
    return subscriber


async def describe_contract(session: AsyncSession, contract: Contract) -> ContractRead:
    """The API view of a contract (with its line's number)."""
    subscriber = await get_subscriber(session, contract.subscriber_id)
    return contract_read(contract, subscriber.phone_number)


async def list_client_contracts(
    session: AsyncSession, client_id: uuid.UUID, *, live_only: bool = True
) -> list[Contract]:
    """The client's contracts, oldest first; live_only keeps those not terminated."""
    stmt = select(Contract).where(Contract.client_id == client_id)
    if live_only:
        stmt = stmt.where(Contract.status != "terminated")
    return list((await session.scalars(stmt.order_by(Contract.start_date, Contract.contract_number))).all())


def _contracts_statement(
    *,
    q: str | None = None,
    client_id: uuid.UUID | None,
    status: str | None,
    service: str | None,
    offer_id: uuid.UUID | None,
    subscriber_id: uuid.UUID | None,
) -> Select[Contract, str]:
    stmt = select(Contract, Subscriber.phone_number).join(Subscriber, Subscriber.id == Contract.subscriber_id)
    if q is not None and q.strip():
        # `q` is a contract number (or part of one) or a line number in any intake format.
        term = q.strip()
        matches: list[ColumnElement[bool]] = [Contract.contract_number.ilike(f"%{escape_like(term)}%", escape="\\")]
        with contextlib.suppress(InvalidPhoneNumber):
            matches.append(Subscriber.phone_number == normalize_moroccan_number(term, "any"))
        stmt = stmt.where(or_(*matches))
    if client_id is not None:
        stmt = stmt.where(Contract.client_id == client_id)
    if status is not None:
        stmt = stmt.where(Contract.status == status)
    if service is not None:
        stmt = stmt.where(Contract.service_type.in_(COMPATIBLE_SERVICE_TYPES[service]))
    if offer_id is not None:
        stmt = stmt.where(Contract.offer_id == offer_id)
    if subscriber_id is not None:
        stmt = stmt.where(Contract.subscriber_id == subscriber_id)
    return stmt


def contracts_export_statement(
    *,
    q: str | None = None,
    client_id: uuid.UUID | None = None,
    status: str | None = None,
    service: str | None = None,
    offer_id: uuid.UUID | None = None,
    subscriber_id: uuid.UUID | None = None,
) -> Select[Contract, str]:
    """Contracts and their line numbers matching the list's filters, in the list's order (CSV export)."""
    stmt = _contracts_statement(
        q=q, client_id=client_id, status=status, service=service, offer_id=offer_id, subscriber_id=subscriber_id
    )
    return stmt.order_by(Contract.created_at.desc(), Contract.contract_number.desc())


async def count_contracts_by_client(
    session: AsyncSession, client_ids: list[uuid.UUID], *, live_only: bool = False
) -> dict[uuid.UUID, int]:
    """How many contracts each client holds (every client asked for is in the answer, with 0 if none)."""
    stmt = select(Contract.client_id, func.count()).where(Contract.client_id.in_(client_ids))
    if live_only:
        stmt = stmt.where(Contract.status != "terminated")
    counts: dict[uuid.UUID, int] = {row[0]: row[1] for row in await session.execute(stmt.group_by(Contract.client_id))}
    return {client_id: int(counts.get(client_id, 0)) for client_id in client_ids}


async def list_contracts(
    session: AsyncSession,
    page: PageParams,
    *,
    q: str | None = None,
    client_id: uuid.UUID | None = None,
    status: str | None = None,
    service: str | None = None,
    offer_id: uuid.UUID | None = None,
    subscriber_id: uuid.UUID | None = None,
) -> tuple[list[ContractRead], int]:
    """One page of contracts (newest first) matching the filters, and the total count."""
    stmt = _contracts_statement(
        q=q, client_id=client_id, status=status, service=service, offer_id=offer_id, subscriber_id=subscriber_id
    )
    ordered = stmt.order_by(Contract.created_at.desc(), Contract.contract_number.desc())
    # One client's contracts, or a search that scans them all: counted in the page's own query.
    narrow = client_id is not None or subscriber_id is not None or bool(q and q.strip())
    rows, total = await fetch_page_rows(session, ordered, page, count_in_page=narrow)
    return [contract_read(contract, number) for contract, number in rows], total


async def list_subscribers(
    session: AsyncSession,
    page: PageParams,
    *,
    client_id: uuid.UUID | None = None,
    status: str | None = None,
    service_type: str | None = None,
    phone_number: str | None = None,
) -> tuple[list[Subscriber], int]:
    """One page of lines (newest first) matching the filters, and the total count."""
    stmt = select(Subscriber)
    if client_id is not None:
        stmt = stmt.where(Subscriber.client_id == client_id)
    if status is not None:
        stmt = stmt.where(Subscriber.status == status)
    if service_type is not None:
        stmt = stmt.where(Subscriber.service_type == service_type)
    if phone_number is not None:
        stmt = stmt.where(Subscriber.phone_number == phone_number)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.scalars(
        stmt.order_by(Subscriber.created_at.desc(), Subscriber.id).limit(page.limit).offset(page.offset)
    )
    return list(rows.all()), int(total or 0)


async def list_suspensions(session: AsyncSession, contract_id: uuid.UUID) -> list[ContractSuspension]:
    """The suspension periods of a contract, oldest first."""
    await get_contract(session, contract_id)
    rows = await session.scalars(
        select(ContractSuspension)
        .where(ContractSuspension.contract_id == contract_id)
        .order_by(ContractSuspension.suspended_from)
    )
    return list(rows.all())


async def get_contract_document(session: AsyncSession, contract_id: uuid.UUID) -> ContractDocument:
    """The latest document of the contract, or ContractNotFound / ContractDocumentNotFound."""
    await get_contract(session, contract_id)
    document = await session.scalar(
        select(ContractDocument)
        .where(ContractDocument.contract_id == contract_id)
        .order_by(ContractDocument.generated_at.desc(), ContractDocument.id.desc())
        .limit(1)
    )
    if document is None:
        raise ContractDocumentNotFound()
    return document


async def public_contract_copy(session: AsyncSession, contract_id: uuid.UUID) -> bytes:
    """The contract PDF as a public link may show it: CIN, line number and street address masked.

    Rendered from the contract's records; the legal document (staff API) is the stored one."""
    contract = await get_contract(session, contract_id)
    line = await session.get(Subscriber, contract.subscriber_id)
    client = await session.get(Client, contract.client_id)
    offer = await session.get(Offer, contract.offer_id)
    assert line is not None
    assert client is not None
    assert offer is not None
    replaced = await session.get(Contract, contract.replaced_contract_id) if contract.replaced_contract_id else None
    sheet = contract_sheet(contract, line, client, offer, replaced.contract_number if replaced else None)
    masked = replace(
        sheet,
        client_cin=mask_cin(client.cin),
        client_address=mask_street_address(client.address, client.city),
        phone_number=mask_line_number(line.phone_number),
    )
    return render_contract_pdf(masked).content


def verified_document_content(document: ContractDocument) -> bytes:
    """The document's bytes once their SHA-256 and size match what was stored at generation."""
    content = bytes(document.content)
    if len(content) != document.size_bytes or hashlib.sha256(content).hexdigest() != document.sha256:
        raise DocumentIntegrityError()
    return content
