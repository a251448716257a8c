"""Contracts and subscribers API: provisioning, lifecycle, documents, and technical line operations."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from app.auth.deps import AdminDep, OperatorDep, StaffReaderDep
from app.catalog.exceptions import OfferNotFound
from app.catalog.schemas import ServiceType
from app.contracts import service
from app.contracts.billed_periods import PeriodAlreadyBilled
from app.contracts.exceptions import (
    ClientTerminated,
    ContractDocumentNotFound,
    ContractNotActive,
    ContractNotFound,
    DocumentIntegrityError,
    InvalidStatusTransition,
    InvalidTargetContract,
    NoContractToChange,
    NumberMismatch,
    NumberPoolExhausted,
    NumberUnavailable,
    OfferAlreadySubscribed,
    OfferNotAvailable,
    ProvisioningAmbiguous,
    ServiceTypeIncompatible,
    SubscriberHasLiveContract,
    SubscriberNotFound,
)
from app.contracts.schemas import (
    ContractProvisionRequest,
    ContractRead,
    ContractSuspensionRead,
    LifecycleRequest,
    LineStatus,
    ProvisioningResult,
    ServiceCategory,
    SubscriberCreate,
    SubscriberRead,
    SubscriberTerminateRequest,
    SubscriberUpdate,
)
from app.customers import service as customers_service
from app.customers.exceptions import ClientNotFound
from app.db import SessionDep, StreamingSessionDep
from app.errors import BusinessValidationError, error_responses
from app.kit.csv_export import stream_csv
from app.kit.idempotency import IdempotencyKeyDep, run_idempotent
from app.kit.pagination import Page, PageDep
from app.kit.phone import InvalidPhoneNumber, normalize_moroccan_number

router = APIRouter(tags=["contracts"])


_PROVISION_ERRORS = error_responses(
    ClientNotFound,
    OfferNotFound,
    ClientTerminated,
    ProvisioningAmbiguous,
    NumberUnavailable,
    ContractNotActive,
    OfferAlreadySubscribed,
    NumberPoolExhausted,
    PeriodAlreadyBilled,
    OfferNotAvailable,
    ServiceTypeIncompatible,
    InvalidTargetContract,
    NoContractToChange,
    NumberMismatch,
)
_LIFECYCLE_ERRORS = error_responses(ContractNotFound, InvalidStatusTransition, PeriodAlreadyBilled)


@router.post(
    "/api/v1/contracts",
    status_code=201,
    operation_id="contracts-provision",
    summary="Provision a contract: the backend decides new line, upgrade or downgrade",
    response_model=ProvisioningResult,
    responses=_PROVISION_ERRORS,
)
async def provision_contract(
    payload: ContractProvisionRequest, session: SessionDep, _: OperatorDep, idempotency_key: IdempotencyKeyDep
) -> JSONResponse:
    async def handler() -> ProvisioningResult:
        return await service.provision_contract(session, payload)

    return await run_idempotent(
        session,
        operation="contracts-provision",
        key=idempotency_key,
        payload=payload.model_dump(mode="json"),
        status_code=201,
        handler=handler,
    )


CONTRACT_EXPORT_COLUMNS = [
    "id", "contract_number", "client_id", "offer_id", "subscriber_id", "phone_number", "service_type", "status",
    "decision", "start_date", "end_date", "replaced_contract_id", "monthly_fee", "activation_fee",
    "activation_fee_pending", "terminated_at", "created_at", "updated_at",
]  # fmt: skip


@router.get(
    "/api/v1/contracts/export.csv",
    operation_id="contracts-export",
    summary="Export the contracts matching the list's filters as CSV (streamed)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "RFC 4180 CSV"}},
)
async def export_contracts(
    session: StreamingSessionDep,
    _: StaffReaderDep,
    client_id: uuid.UUID | None = None,
    status: LineStatus | None = None,
    service_category: Annotated[
        ServiceCategory | None, Query(alias="service", description="mobile, internet (fiber and adsl) or landline")
    ] = None,
    offer_id: uuid.UUID | None = None,
    subscriber_id: uuid.UUID | None = None,
    q: Annotated[
        str | None,
        Query(max_length=40, description="Part of the contract number, or the line's number in any intake format."),
    ] = None,
) -> Response:
    statement = service.contracts_export_statement(
        q=q,
        client_id=client_id,
        status=status,
        service=service_category,
        offer_id=offer_id,
        subscriber_id=subscriber_id,
    )

    def row(record: tuple[Any, str]) -> list[Any]:
        contract, phone_number = record
        return [phone_number if c == "phone_number" else getattr(contract, c) for c in CONTRACT_EXPORT_COLUMNS]

    return stream_csv(session, statement, header=CONTRACT_EXPORT_COLUMNS, row=row, filename="contracts.csv")


@router.get(
    "/api/v1/contracts/counts-by-client",
    operation_id="contracts-counts-by-client",
    summary="How many contracts each of the given clients holds (for client lists)",
)
async def count_contracts_by_client(
    session: SessionDep,
    _: StaffReaderDep,
    client_id: Annotated[list[uuid.UUID], Query(min_length=1, max_length=200, description="Up to 200 client ids.")],
    live_only: Annotated[bool, Query(description="Count only contracts not terminated.")] = False,
) -> dict[str, int]:
    counts = await service.count_contracts_by_client(session, client_id, live_only=live_only)
    return {str(key): value for key, value in counts.items()}


@router.get("/api/v1/contracts", operation_id="contracts-list", summary="List contracts (newest first)")
async def list_contracts(
    session: SessionDep,
    page: PageDep,
    _: StaffReaderDep,
    client_id: uuid.UUID | None = None,
    status: LineStatus | None = None,
    service_category: Annotated[
        ServiceCategory | None, Query(alias="service", description="mobile, internet (fiber and adsl) or landline")
    ] = None,
    offer_id: uuid.UUID | None = None,
    subscriber_id: uuid.UUID | None = None,
    q: Annotated[
        str | None,
        Query(max_length=40, description="Part of the contract number, or the line's number in any intake format."),
    ] = None,
) -> Page[ContractRead]:
    items, total = await service.list_contracts(
        session,
        page,
        q=q,
        client_id=client_id,
        status=status,
        service=service_category,
        offer_id=offer_id,
        subscriber_id=subscriber_id,
    )
    return Page(
        items=await customers_service.with_client_names(session, items),
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/api/v1/contracts/{contract_id}",
    operation_id="contracts-get",
    summary="One contract",
    responses=error_responses(ContractNotFound),
)
async def get_contract(contract_id: uuid.UUID, session: SessionDep, _: StaffReaderDep) -> ContractRead:
    contract = await service.describe_contract(session, await service.get_contract(session, contract_id))
    return (await customers_service.with_client_names(session, [contract]))[0]


@router.post(
    "/api/v1/contracts/{contract_id}/suspend",
    operation_id="contracts-suspend",
    summary="Suspend an active contract and its line from the effective date",
    responses=_LIFECYCLE_ERRORS,
)
async def suspend_contract(
    contract_id: uuid.UUID, payload: LifecycleRequest, session: SessionDep, _: OperatorDep
) -> ContractRead:
    contract = await service.suspend_contract(session, contract_id, payload.effective_date)
    return await service.describe_contract(session, contract)


@router.post(
    "/api/v1/contracts/{contract_id}/resume",
    operation_id="contracts-resume",
    summary="Resume a suspended contract and its line on the effective date",
    responses=_LIFECYCLE_ERRORS,
)
async def resume_contract(
    contract_id: uuid.UUID, payload: LifecycleRequest, session: SessionDep, _: OperatorDep
) -> ContractRead:
    contract = await service.resume_contract(session, contract_id, payload.effective_date)
    return await service.describe_contract(session, contract)


@router.post(
    "/api/v1/contracts/{contract_id}/terminate",
    operation_id="contracts-terminate",
    summary="Terminate a contract (effective date = last day of service); its line ends and the number is freed",
    responses=_LIFECYCLE_ERRORS,
)
async def terminate_contract(
    contract_id: uuid.UUID, payload: LifecycleRequest, session: SessionDep, _: OperatorDep
) -> ContractRead:
    contract = await service.terminate_contract(session, contract_id, payload.effective_date)
    return await service.describe_contract(session, contract)


@router.get(
    "/api/v1/contracts/{contract_id}/suspensions",
    operation_id="contracts-suspensions-list",
    summary="The suspension periods of a contract (from inclusive, resumed_on exclusive)",
    responses=error_responses(ContractNotFound),
)
async def list_suspensions(
    contract_id: uuid.UUID, session: SessionDep, _: StaffReaderDep
) -> list[ContractSuspensionRead]:
    return [ContractSuspensionRead.model_validate(s) for s in await service.list_suspensions(session, contract_id)]


@router.get(
    "/api/v1/contracts/{contract_id}/document",
    operation_id="contracts-document",
    summary="The contract PDF generated at signature (served only if its SHA-256 still matches)",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(ContractNotFound, ContractDocumentNotFound, DocumentIntegrityError),
    },
)
async def get_contract_document(contract_id: uuid.UUID, session: SessionDep, _: StaffReaderDep) -> Response:
    document = await service.get_contract_document(session, contract_id)
    content = service.verified_document_content(document)
    return Response(
        content=content,
        media_type=document.content_type,
        headers={
            "Content-Disposition": f'inline; filename="{document.filename}"',
            "ETag": f'"{document.sha256}"',
            "X-Content-SHA256": document.sha256,
            "Cache-Control": "private, no-store",
        },
    )


# --- subscribers -----------------------------------------------------------------------------------


def _number_filter(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return normalize_moroccan_number(raw, "any")
    except InvalidPhoneNumber as exc:
        raise BusinessValidationError(["query", "phone_number"], str(exc)) from exc


@router.get("/api/v1/subscribers", operation_id="subscribers-list", summary="List lines (newest first)")
async def list_subscribers(
    session: SessionDep,
    page: PageDep,
    _: StaffReaderDep,
    client_id: uuid.UUID | None = None,
    status: LineStatus | None = None,
    service_type: ServiceType | None = None,
    phone_number: Annotated[str | None, Query(max_length=32, description="Any accepted format.")] = None,
) -> Page[SubscriberRead]:
    rows, total = await service.list_subscribers(
        session,
        page,
        client_id=client_id,
        status=status,
        service_type=service_type,
        phone_number=_number_filter(phone_number),
    )
    return Page(
        items=[SubscriberRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get(
    "/api/v1/subscribers/{subscriber_id}",
    operation_id="subscribers-get",
    summary="One line",
    responses=error_responses(SubscriberNotFound),
)
async def get_subscriber(subscriber_id: uuid.UUID, session: SessionDep, _: StaffReaderDep) -> SubscriberRead:
    return SubscriberRead.model_validate(await service.get_subscriber(session, subscriber_id))


@router.post(
    "/api/v1/subscribers",
    status_code=201,
    operation_id="subscribers-create",
    summary="Create a line by hand (admin, technical operation)",
    responses=error_responses(ClientNotFound, ClientTerminated, NumberUnavailable),
)
async def create_subscriber(payload: SubscriberCreate, session: SessionDep, _: AdminDep) -> SubscriberRead:
    return SubscriberRead.model_validate(await service.create_subscriber(session, payload))


@router.patch(
    "/api/v1/subscribers/{subscriber_id}",
    operation_id="subscribers-update",
    summary="Change a line's number or access technology (admin, technical operation)",
    responses=error_responses(SubscriberNotFound, NumberUnavailable, InvalidStatusTransition, ServiceTypeIncompatible),
)
async def update_subscriber(
    subscriber_id: uuid.UUID, payload: SubscriberUpdate, session: SessionDep, _: AdminDep
) -> SubscriberRead:
    return SubscriberRead.model_validate(await service.update_subscriber(session, subscriber_id, payload))


@router.post(
    "/api/v1/subscribers/{subscriber_id}/terminate",
    operation_id="subscribers-terminate",
    summary="Terminate a line without a live contract (admin, technical operation)",
    responses=error_responses(SubscriberNotFound, SubscriberHasLiveContract, InvalidStatusTransition),
)
async def terminate_subscriber(
    subscriber_id: uuid.UUID, payload: SubscriberTerminateRequest, session: SessionDep, _: AdminDep
) -> SubscriberRead:
    line = await service.terminate_subscriber(session, subscriber_id, payload.effective_date)
    return SubscriberRead.model_validate(line)
