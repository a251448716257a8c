"""Clients: the business rules of the customers module. Other modules call these functions."""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, Self

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.customers.exceptions import (
    ClientAlreadyAnonymised,
    ClientCinTaken,
    ClientDeleteBlocked,
    ClientHasLiveServices,
    ClientHasOutstandingBalance,
    ClientNotFound,
    ClientNotTerminated,
    ClientStatusManagedByCollections,
    InvalidClient,
)
from app.customers.history import client_history, erase_personal_data_elsewhere, live_services, outstanding_balances
from app.customers.models import CLIENT_STATUSES, Client, display_name
from app.customers.schemas import NAME_FIELDS, ClientCreate, ClientUpdate, identity_problems
from app.kit.audit import record_audit
from app.kit.correlation import current_actor
from app.kit.identity import normalize_cin
from app.kit.locks import client_lock_key, client_lock_taken, lock_client
from app.kit.masking import mask_cin
from app.kit.pagination import PageParams, fetch_page
from app.kit.phone import InvalidPhoneNumber, normalize_moroccan_number
from app.kit.search import escape_like

logger = logging.getLogger(__name__)


_FOREIGN_KEY_VIOLATION = "23503"
_AUDITED_FIELDS = (
    "kind",
    "cin",
    "first_name",
    "last_name",
    "company_name",
    "ice",
    "email",
    "phone",
    "address",
    "city",
    "status",
)


def _summary(client: Client) -> dict[str, Any]:
    # Audit keeps the real values (it is the legal trail); logs never do.
    return {name: getattr(client, name) for name in _AUDITED_FIELDS}


async def get_client(session: AsyncSession, client_id: uuid.UUID, for_update: bool = False) -> Client:
    """The client (anonymised ones included: their invoices still name them), or ClientNotFound."""
    stmt = select(Client).where(Client.id == client_id)
    if for_update:
        stmt = stmt.with_for_update()
    client = await session.scalar(stmt)
    if client is None:
        raise ClientNotFound()
    return client


@dataclass(frozen=True, slots=True)
class ClientStanding:
    """What a payment needs to know of its payer: since when the client exists and its status."""

    created_at: datetime
    status: str


# Two columns instead of the whole row, and the client lock in the same statement, built once: the payment
# path reads nothing else of the client, and loading a full ORM Client, composing the statement and a second
# round trip for the lock cost more than running it. The lock is taken only when the client exists: the
# function is evaluated for the row found. The columns come from the statement's snapshot, taken before
# the lock is granted, as when the client was read first and then locked.
_LOCK_CLIENT_STANDING = select(Client.created_at, Client.status, client_lock_taken()).where(
    Client.id == bindparam("client_id")
)


async def lock_client_with_standing(session: AsyncSession, client_id: uuid.UUID) -> ClientStanding:
    """The client's creation time and status as read just before its client lock (`lock_client`) is taken,
    in one statement (anonymised clients included); ClientNotFound, and no lock, for an unknown client."""
    params = {"client_id": client_id, "client_lock_key": client_lock_key(client_id)}
    row = (await session.execute(_LOCK_CLIENT_STANDING, params)).first()
    if row is None:
        raise ClientNotFound()
    return ClientStanding(created_at=row.created_at, status=row.status)


class NamesAClient(Protocol):
    """A read schema of another module that shows its client by name."""

    client_id: uuid.UUID
    client_name: str | None

    def model_copy(self, *, update: dict[str, Any]) -> Self: ...


async def with_client_names[Named: NamesAClient](session: AsyncSession, items: Sequence[Named]) -> list[Named]:
    """The items with their clients' display names filled in, the names read in one query for all of them."""
    wanted = {item.client_id for item in items}
    if not wanted:
        return list(items)
    rows = await session.execute(
        select(Client.id, Client.kind, Client.first_name, Client.last_name, Client.company_name).where(
            Client.id.in_(wanted)
        )
    )
    names = {row.id: display_name(row.kind, row.first_name, row.last_name, row.company_name) for row in rows}
    return [item.model_copy(update={"client_name": names.get(item.client_id)}) for item in items]


async def get_client_by_cin(session: AsyncSession, cin: str) -> Client | None:
    """The client holding this CIN (any intake case or spacing), or None; anonymised clients hold none."""
    try:
        normalized = normalize_cin(cin)
    except ValueError:
        return None
    return await session.scalar(select(Client).where(Client.cin == normalized, Client.anonymised_at.is_(None)))


async def _ensure_cin_free(session: AsyncSession, cin: str, *, keep: uuid.UUID | None = None) -> None:
    # Checked first for a clean answer; the partial unique index still decides under a race.
    holder = await get_client_by_cin(session, cin)
    if holder is not None and holder.id != keep:
        raise ClientCinTaken()


async def create_client(session: AsyncSession, payload: ClientCreate) -> Client:
    """Create an active client after checking the CIN is not held by another live client."""
    await _ensure_cin_free(session, payload.cin)
    actor = current_actor().subject
    client = Client(**payload.model_dump(), status="active", created_by=actor, updated_by=actor)
    session.add(client)
    await session.flush()
    await session.refresh(client)
    await record_audit(
        session, action="client.created", entity_type="client", entity_id=client.id, after=_summary(client)
    )
    logger.info("client %s created (CIN %s)", client.id, mask_cin(client.cin))
    return client


async def update_client(session: AsyncSession, client_id: uuid.UUID, payload: ClientUpdate) -> Client:
    """Apply the fields sent, re-check the client as a whole, and audit what changed."""
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("status") == "terminated":
        # Taken before the row lock, in the order provisioning and payments take them (no deadlock): no
        # contract can be signed between the live-services check below and the commit.
        await lock_client(session, client_id)
    client = await get_client(session, client_id, for_update=True)
    merged = {name: changes.get(name, getattr(client, name)) for name in ("kind", *NAME_FIELDS)}
    problems = identity_problems(
        merged["kind"], merged["first_name"], merged["last_name"], merged["company_name"], merged["ice"]
    )
    if problems:
        raise InvalidClient(problems)
    if changes.get("status") == "active" and client.status == "delinquent":
        raise ClientStatusManagedByCollections()
    if changes.get("status") == "terminated" and client.status != "terminated":
        remaining = await live_services(session, client.id)
        if remaining:
            raise ClientHasLiveServices(remaining)
    if "cin" in changes and changes["cin"] != client.cin:
        await _ensure_cin_free(session, changes["cin"], keep=client.id)

    changed = {name: value for name, value in changes.items() if getattr(client, name) != value}
    if not changed:
        return client
    before = {name: getattr(client, name) for name in changed}
    for name, value in changed.items():
        setattr(client, name, value)
    client.updated_by = current_actor().subject
    await session.flush()
    await session.refresh(client)
    await record_audit(
        session, action="client.updated", entity_type="client", entity_id=client.id, before=before, after=changed
    )
    logger.info("client %s updated: %s", client.id, ", ".join(sorted(changed)))
    return client


async def set_client_status(session: AsyncSession, client_id: uuid.UUID, status: str) -> Client:
    """Set the client's status (collections sets and clears `delinquent`); audited when it changes."""
    if status not in CLIENT_STATUSES:
        raise ValueError(f"unknown client status {status!r}")
    client = await get_client(session, client_id, for_update=True)
    if client.status == status:
        return client
    before = {"status": client.status}
    client.status = status
    client.updated_by = current_actor().subject
    await session.flush()
    await session.refresh(client)
    await record_audit(
        session,
        action="client.status_changed",
        entity_type="client",
        entity_id=client.id,
        before=before,
        after={"status": status},
    )
    logger.info("client %s status %s -> %s", client.id, before["status"], status)
    return client


# Sortable columns of the clients list (`?sort=name` or `?sort=-name` for descending).
_SORT_COLUMNS: dict[str, Any] = {
    # A business by its company name, a person by last then first name, case-insensitively.
    "name": func.lower(func.coalesce(Client.company_name, func.concat(Client.last_name, " ", Client.first_name))),
    "cin": Client.cin,
    "city": Client.city,
    "status": Client.status,
    "created_at": Client.created_at,
}


def _search_conditions(q: str) -> list[ColumnElement[bool]]:
    term = q.strip()
    # Lowercased by PostgreSQL, as the stored column is, so both sides fold letters the same way.
    conditions: list[ColumnElement[bool]] = [
        Client.search_text.like(func.lower(f"%{escape_like(term)}%"), escape="\\"),
    ]
    # A phone search accepts every intake format: a full number matches its canonical form, a partial one
    # matches the national digits wherever they appear.
    try:
        conditions.append(Client.phone == normalize_moroccan_number(term, "any"))
    except InvalidPhoneNumber:
        digits = re.sub(r"[\s.\-()+]", "", term)
        if digits.isdigit() and len(digits) >= 3:
            if digits.startswith("212"):
                digits = digits[3:]
            elif digits.startswith("0"):
                digits = digits[1:]
            if digits:
                conditions.append(Client.phone.like(f"%{digits}%"))
    return conditions


def _list_statement(
    *,
    q: str | None,
    status: str | None,
    kind: str | None,
    city: str | None,
    cin: str | None,
    email: str | None,
    phone: str | None,
    sort: str | None = None,
) -> Select[Client]:
    stmt = select(Client)
    if cin is not None:
        stmt = stmt.where(Client.cin == cin)
    if email is not None:
        stmt = stmt.where(func.lower(Client.email) == email)
    if phone is not None:
        stmt = stmt.where(Client.phone == phone)
    if q and q.strip():
        stmt = stmt.where(or_(*_search_conditions(q)))
    if status:
        stmt = stmt.where(Client.status == status)
    if kind:
        stmt = stmt.where(Client.kind == kind)
    if city and city.strip():
        stmt = stmt.where(Client.city.ilike(escape_like(city.strip()), escape="\\"))
    if sort:
        column = _SORT_COLUMNS[sort.removeprefix("-")]
        # Ties are broken by id so pages never overlap or skip a client.
        return stmt.order_by(column.desc() if sort.startswith("-") else column.asc(), Client.id)
    return stmt.order_by(Client.created_at.desc(), Client.id.desc())


def clients_export_statement(
    *,
    q: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    city: str | None = None,
    cin: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    sort: str | None = None,
) -> Select[Client]:
    """Every live client matching the list's filters, in the list's order: the rows of a CSV export."""
    return _list_statement(q=q, status=status, kind=kind, city=city, cin=cin, email=email, phone=phone, sort=sort)


async def list_clients(
    session: AsyncSession,
    page: PageParams,
    *,
    q: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    city: str | None = None,
    cin: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    sort: str | None = None,
) -> tuple[list[Client], int]:
    """One page of live clients matching the search and filters, newest first, with the total count.

    cin, email and phone are exact matches on normalised values (see ClientFilters).
    """
    stmt = _list_statement(q=q, status=status, kind=kind, city=city, cin=cin, email=email, phone=phone, sort=sort)
    # A search scans every client (no index serves a substring): count in that one scan.
    searching = bool(q and q.strip())
    return await fetch_page(session, stmt, page, count_in_page=searching)


async def delete_client(session: AsyncSession, client_id: uuid.UUID) -> None:
    """Hard-delete a client without any history; otherwise ClientDeleteBlocked (spec 5.2)."""
    client = await get_client(session, client_id, for_update=True)
    history = await client_history(session, client.id)
    if history:
        raise ClientDeleteBlocked(history)
    before = _summary(client)
    try:
        # A savepoint keeps the transaction usable when a row of a module that registered no check still
        # points at the client (ON DELETE RESTRICT).
        async with session.begin_nested():
            await session.delete(client)
            await session.flush()
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == _FOREIGN_KEY_VIOLATION:
            raise ClientDeleteBlocked(["linked_record"]) from exc
        raise
    await record_audit(session, action="client.deleted", entity_type="client", entity_id=client_id, before=before)
    logger.info("client %s deleted", client_id)


# Placeholders of an anonymised client: they satisfy the table's checks and carry nothing of the person.
ANONYMISED_FIRST_NAME = "Anonymised"
ANONYMISED_LAST_NAME = "client"
ANONYMISED_COMPANY_NAME = "Anonymised client"
ANONYMISED_ICE = "0" * 15


def _placeholder_cin() -> str:
    # Random, not derived from the real CIN: a hash of a CIN could be reversed by trying every CIN.
    return f"ZZ{secrets.randbelow(10**8):08d}"


async def anonymise_client(session: AsyncSession, client_id: uuid.UUID) -> Client:
    """Replace a terminated client's names, CIN, contact data and address by irreversible placeholders,
    here and in every module holding copies (landing drafts), when nothing is outstanding (law 09-08).

    Invoices, credit notes and their stored PDFs keep what they were issued with (legal retention)."""
    # The client lock, as payments and provisioning take it: no payment or contract slips in meanwhile.
    await lock_client(session, client_id)
    client = await get_client(session, client_id, for_update=True)
    if client.anonymised_at is not None:
        raise ClientAlreadyAnonymised()
    if client.status != "terminated":
        raise ClientNotTerminated()
    owed = await outstanding_balances(session, client.id)
    if owed:
        raise ClientHasOutstandingBalance(owed)
    erased = await erase_personal_data_elsewhere(session, client.cin)
    client.cin = _placeholder_cin()
    if client.kind == "business":
        client.company_name, client.ice = ANONYMISED_COMPANY_NAME, ANONYMISED_ICE
        client.first_name = client.last_name = None
    else:
        client.first_name, client.last_name = ANONYMISED_FIRST_NAME, ANONYMISED_LAST_NAME
        client.company_name = client.ice = None
    client.email = client.phone = client.address = client.city = None
    client.anonymised_at = datetime.now(UTC)
    client.updated_by = current_actor().subject
    await session.flush()
    await session.refresh(client)
    # The audit says who anonymised and when, never what was erased.
    await record_audit(
        session,
        action="client.anonymised",
        entity_type="client",
        entity_id=client.id,
        after={"anonymised_at": client.anonymised_at.isoformat(), "copies_erased": erased},
    )
    logger.info("client %s anonymised (%s)", client.id, ", ".join(f"{k}: {v}" for k, v in erased.items()) or "-")
    return client
