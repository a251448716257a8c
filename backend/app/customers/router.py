"""Clients API: thin endpoints over app.customers.service."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from app.auth.deps import AdminDep, OperatorDep, StaffReaderDep
from app.customers import service
from app.customers.exceptions import (
    ClientAlreadyAnonymised,
    ClientCinTaken,
    ClientDeleteBlocked,
    ClientHasLiveServices,
    ClientHasOutstandingBalance,
    ClientNotFound,
    ClientNotTerminated,
    ClientStatusManagedByCollections,
)
from app.customers.schemas import (
    ClientCreate,
    ClientFilters,
    ClientKind,
    ClientRead,
    ClientSort,
    ClientStatus,
    ClientUpdate,
)
from app.db import SessionDep, StreamingSessionDep
from app.errors import error_responses
from app.kit.csv_export import stream_csv
from app.kit.idempotency import OptionalIdempotencyKeyDep, run_idempotent
from app.kit.pagination import Page, PageDep

router = APIRouter(prefix="/api/v1/clients", tags=["customers"])


@router.post(
    "",
    status_code=201,
    response_model=ClientRead,
    operation_id="clients-create",
    summary="Create a client",
    responses={
        201: {
            "headers": {
                "Idempotent-Replayed": {
                    "description": "`true` when the stored answer of an earlier request is replayed.",
                    "schema": {"type": "string"},
                }
            }
        },
        **error_responses(ClientCinTaken),
    },
)
async def create_client(
    payload: ClientCreate, session: SessionDep, _: OperatorDep, idempotency_key: OptionalIdempotencyKeyDep
) -> Any:
    async def create() -> ClientRead:
        return ClientRead.model_validate(await service.create_client(session, payload))

    if idempotency_key is None:
        return await create()
    # Partner systems may retry with the same key: the first answer is replayed, never a second client.
    return await run_idempotent(
        session,
        operation="clients-create",
        key=idempotency_key,
        payload=payload.model_dump(mode="json"),
        status_code=201,
        handler=create,
    )


_Q = Query(max_length=100, description="Matches name, company, CIN, email or phone (any intake format).")
_CITY = Query(max_length=100)
_CIN = Query(max_length=20, description="Exact CIN, any case or spacing (at most one live client).")
_EMAIL = Query(max_length=254, description="Exact email, any case.")
_PHONE = Query(max_length=30, description="Exact number, in any accepted intake format.")
_SORT = Query(description="Column to sort by; a leading `-` sorts descending. Default: newest first.")
EXPORT_COLUMNS = ["id", "kind", "cin", "name", "first_name", "last_name", "company_name", "ice", "email", "phone"]
EXPORT_COLUMNS += ["address", "city", "status", "created_at", "updated_at"]


@router.get(
    "/export.csv",
    operation_id="clients-export",
    summary="Export the clients matching the list's filters as CSV (streamed)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "RFC 4180 CSV"}},
)
async def export_clients(
    session: StreamingSessionDep,
    _: StaffReaderDep,
    q: Annotated[str | None, _Q] = None,
    status: ClientStatus | None = None,
    kind: ClientKind | None = None,
    city: Annotated[str | None, _CITY] = None,
    cin: Annotated[str | None, _CIN] = None,
    email: Annotated[str | None, _EMAIL] = None,
    phone: Annotated[str | None, _PHONE] = None,
    sort: Annotated[ClientSort | None, _SORT] = None,
) -> Response:
    filters = ClientFilters.from_query(cin=cin, email=email, phone=phone)
    statement = service.clients_export_statement(
        q=q, status=status, kind=kind, city=city, cin=filters.cin, email=filters.email, phone=filters.phone, sort=sort
    )
    return stream_csv(
        session,
        statement,
        header=EXPORT_COLUMNS,
        row=lambda record: [
            getattr(record[0], "display_name" if column == "name" else column) for column in EXPORT_COLUMNS
        ],
        filename="clients.csv",
    )


@router.get("", operation_id="clients-list", summary="Search and list clients")
async def list_clients(
    session: SessionDep,
    page: PageDep,
    _: StaffReaderDep,
    q: Annotated[str | None, _Q] = None,
    status: ClientStatus | None = None,
    kind: ClientKind | None = None,
    city: Annotated[str | None, _CITY] = None,
    cin: Annotated[str | None, _CIN] = None,
    email: Annotated[str | None, _EMAIL] = None,
    phone: Annotated[str | None, _PHONE] = None,
    sort: Annotated[ClientSort | None, _SORT] = None,
) -> Page[ClientRead]:
    filters = ClientFilters.from_query(cin=cin, email=email, phone=phone)
    rows, total = await service.list_clients(
        session,
        page,
        q=q,
        status=status,
        kind=kind,
        city=city,
        cin=filters.cin,
        email=filters.email,
        phone=filters.phone,
        sort=sort,
    )
    return Page(items=[ClientRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/{client_id}", operation_id="clients-get", summary="Get a client", responses=error_responses(ClientNotFound)
)
async def get_client(client_id: uuid.UUID, session: SessionDep, _: StaffReaderDep) -> ClientRead:
    return ClientRead.model_validate(await service.get_client(session, client_id))


@router.patch(
    "/{client_id}",
    operation_id="clients-update",
    summary="Update a client (only the fields sent)",
    responses=error_responses(ClientNotFound, ClientCinTaken, ClientStatusManagedByCollections, ClientHasLiveServices),
)
async def update_client(client_id: uuid.UUID, payload: ClientUpdate, session: SessionDep, _: OperatorDep) -> ClientRead:
    return ClientRead.model_validate(await service.update_client(session, client_id, payload))


@router.post(
    "/{client_id}/anonymise",
    operation_id="clients-anonymise",
    summary="Anonymise a terminated client with nothing outstanding (admin, irreversible)",
    description=(
        "Replaces the client's names, CIN, contact data and address by placeholders, here and in landing "
        "drafts (Moroccan law 09-08 on personal data). Invoices, credit notes and their stored PDFs keep "
        "what they were issued with (legal retention). Audited without the erased values."
    ),
    responses=error_responses(
        ClientNotFound, ClientAlreadyAnonymised, ClientNotTerminated, ClientHasOutstandingBalance
    ),
)
async def anonymise_client(client_id: uuid.UUID, session: SessionDep, _: AdminDep) -> ClientRead:
    return ClientRead.model_validate(await service.anonymise_client(session, client_id))


@router.delete(
    "/{client_id}",
    status_code=204,
    operation_id="clients-delete",
    summary="Delete a client that has no history",
    responses=error_responses(ClientNotFound, ClientDeleteBlocked),
)
async def delete_client(client_id: uuid.UUID, session: SessionDep, _: OperatorDep) -> Response:
    await service.delete_client(session, client_id)
    return Response(status_code=204)
