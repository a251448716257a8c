"""Collections API: payments, approve-paid, evaluations, collection cases and their actions, overview."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import JSONResponse

from app.auth.deps import require_roles
from app.auth.roles import Role
from app.collections import cases, service
from app.collections.filters import CaseFiltersDep
from app.collections.schemas import (
    ActionCreate,
    ActionRead,
    ApprovePaidRequest,
    CaseDetail,
    CaseRead,
    CaseStatusChange,
    CollectionsOverview,
    EvaluationRead,
    EvaluationRequest,
    PaymentCreate,
    PaymentMethod,
    PaymentRead,
    PaymentRecorded,
)
from app.db import SessionDep
from app.errors import error_responses
from app.kit.idempotency import IdempotencyKeyDep, run_idempotent
from app.kit.pagination import Page, PageDep

router = APIRouter(tags=["collections"])

# Collections writes; billing and the auditor may read (admin is always accepted).
WRITE = [Depends(require_roles(Role.COLLECTIONS))]
READ = [Depends(require_roles(Role.COLLECTIONS, Role.BILLING, read=True))]


def _errors(*codes: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    described: dict[int, list[str]] = {}
    for status, code in codes:
        described.setdefault(status, []).append(code)
    return error_responses({status: ", ".join(names) for status, names in described.items()})


_AUTH = ((401, "not_authenticated"), (403, "forbidden"))
_IDEMPOTENCY = (
    (400, "idempotency_key_required"),
    (409, "idempotency_key_conflict"),
    (409, "idempotency_key_in_progress"),
)


@router.post(
    "/api/v1/collections/payments",
    operation_id="collections-payments-create",
    summary="Record a payment",
    description=(
        "Records money received from a client. Without `allocations` the amount goes to the client's open "
        "invoices, oldest due date first. Nothing is written when the amount or an allocation exceeds what "
        "is owed (`overpayment`) or the allocations do not add up to the amount (`allocation_mismatch`)."
    ),
    status_code=201,
    response_model=PaymentRecorded,
    dependencies=WRITE,
    responses=_errors(
        *_AUTH,
        *_IDEMPOTENCY,
        (422, "overpayment"),
        (422, "allocation_mismatch"),
        (422, "invoice_of_another_client"),
        (422, "invoice_not_found"),
        (422, "invoice_not_payable"),
        (422, "client_not_found"),
        (422, "validation_error"),
    ),
)
async def create_payment(session: SessionDep, key: IdempotencyKeyDep, body: PaymentCreate) -> JSONResponse:
    return await run_idempotent(
        session,
        operation="collections-payments-create",
        key=key,
        payload=body.model_dump(mode="json"),
        status_code=201,
        handler=lambda: service.record_payment(session, body),
    )


@router.post(
    "/api/v1/collections/invoices/{invoice_id}/approve-paid",
    operation_id="collections-invoices-approve-paid",
    summary="Approve an invoice as paid",
    description=(
        "Records a payment of the invoice's full outstanding amount (audited, with the actor); the invoice "
        "becomes paid through that payment, never by a direct status change."
    ),
    status_code=201,
    response_model=PaymentRecorded,
    dependencies=WRITE,
    responses=_errors(
        *_AUTH,
        *_IDEMPOTENCY,
        (404, "not_found"),
        (409, "invoice_already_paid"),
        (409, "invoice_not_payable"),
        (422, "validation_error"),
    ),
)
async def approve_invoice_paid(
    session: SessionDep,
    key: IdempotencyKeyDep,
    invoice_id: uuid.UUID,
    body: Annotated[ApprovePaidRequest | None, Body()] = None,
) -> JSONResponse:
    request = body or ApprovePaidRequest()
    return await run_idempotent(
        session,
        operation="collections-invoices-approve-paid",
        key=key,
        payload={"invoice_id": str(invoice_id), **request.model_dump(mode="json")},
        status_code=201,
        handler=lambda: service.approve_invoice_paid(session, invoice_id, request),
    )


@router.get(
    "/api/v1/collections/payments",
    operation_id="collections-payments-list",
    summary="List payments",
    response_model=Page[PaymentRead],
    dependencies=READ,
    responses=_errors(*_AUTH, (422, "validation_error")),
)
async def list_payments(
    session: SessionDep,
    page: PageDep,
    client_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    method: PaymentMethod | None = None,
    received_from: Annotated[date | None, Query(description="First day received (inclusive, UTC).")] = None,
    received_to: Annotated[date | None, Query(description="Last day received (inclusive, UTC).")] = None,
) -> Page[PaymentRead]:
    items, total = await service.list_payments(
        session,
        page,
        client_id=client_id,
        invoice_id=invoice_id,
        method=method,
        received_from=received_from,
        received_to=received_to,
    )
    return Page[PaymentRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/api/v1/collections/payments/{payment_id}",
    operation_id="collections-payments-get",
    summary="Get a payment",
    response_model=PaymentRead,
    dependencies=READ,
    responses=_errors(*_AUTH, (404, "not_found")),
)
async def get_payment(session: SessionDep, payment_id: uuid.UUID) -> PaymentRead:
    return await service.get_payment(session, payment_id)


@router.post(
    "/api/v1/collections/evaluations",
    operation_id="collections-evaluations-create",
    summary="Run the collections evaluation for a day",
    description=(
        "What the daily job does, on demand: issued invoices past their due date become overdue, cases are "
        "opened, aged or resolved, client delinquency is set or cleared and the dunning policy creates the "
        "actions that are due. Running it again for the same day changes nothing. `as_of` is today (UTC) by "
        "default and never a later day (422)."
    ),
    response_model=EvaluationRead,
    dependencies=WRITE,
    responses=_errors(*_AUTH, (409, "evaluation_in_progress"), (422, "validation_error")),
)
async def run_evaluation(
    session: SessionDep, body: Annotated[EvaluationRequest | None, Body()] = None
) -> EvaluationRead:
    summary = await cases.evaluate_on_demand(session, body.as_of if body else None)
    return EvaluationRead(**vars(summary))


@router.get(
    "/api/v1/collections/cases",
    operation_id="collections-cases-list",
    summary="List collection cases",
    response_model=Page[CaseRead],
    dependencies=READ,
    responses=_errors(*_AUTH),
)
async def list_cases(session: SessionDep, page: PageDep, filters: CaseFiltersDep) -> Page[CaseRead]:
    rows, total = await cases.list_cases(session, page, **filters.as_kwargs())
    return Page[CaseRead](
        items=[CaseRead.model_validate(row) for row in rows], total=total, limit=page.limit, offset=page.offset
    )


async def _case_detail(session: SessionDep, case_id: uuid.UUID) -> CaseDetail:
    case = await cases.get_case(session, case_id)
    invoices = await cases.case_invoices(session, case_id)
    return CaseDetail.model_validate({**CaseRead.model_validate(case).model_dump(), "invoices": invoices})


@router.get(
    "/api/v1/collections/cases/{case_id}",
    operation_id="collections-cases-get",
    summary="Get a collection case with its invoices",
    response_model=CaseDetail,
    dependencies=READ,
    responses=_errors(*_AUTH, (404, "not_found")),
)
async def get_case(session: SessionDep, case_id: uuid.UUID) -> CaseDetail:
    return await _case_detail(session, case_id)


@router.put(
    "/api/v1/collections/cases/{case_id}/status",
    operation_id="collections-cases-status-update",
    summary="Change a case's status",
    description=(
        "Allowed: open → in_progress, promise_to_pay, resolved, written_off; in_progress → promise_to_pay, "
        "resolved, written_off; promise_to_pay → in_progress, resolved, written_off. Resolved and written-off "
        "cases are closed. `promise_to_pay` needs `promised_date` and `promised_amount`; `resolved` is refused "
        "while overdue invoices remain (payments resolve the case)."
    ),
    response_model=CaseDetail,
    dependencies=WRITE,
    responses=_errors(
        *_AUTH,
        (404, "not_found"),
        (409, "invalid_transition"),
        (409, "case_has_overdue_balance"),
        (422, "validation_error"),
    ),
)
async def change_case_status(session: SessionDep, case_id: uuid.UUID, body: CaseStatusChange) -> CaseDetail:
    await cases.change_case_status(session, case_id, body)
    return await _case_detail(session, case_id)


@router.get(
    "/api/v1/collections/cases/{case_id}/actions",
    operation_id="collections-cases-actions-list",
    summary="List a case's actions",
    response_model=Page[ActionRead],
    dependencies=READ,
    responses=_errors(*_AUTH, (404, "not_found")),
)
async def list_case_actions(session: SessionDep, case_id: uuid.UUID, page: PageDep) -> Page[ActionRead]:
    rows, total = await cases.list_actions(session, case_id, page)
    return Page[ActionRead](
        items=[ActionRead.model_validate(row) for row in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post(
    "/api/v1/collections/cases/{case_id}/actions",
    operation_id="collections-cases-actions-create",
    summary="Record an action on a case",
    description="Reminders, letters, calls and suspension notices; each is published to the outbox.",
    status_code=201,
    response_model=ActionRead,
    dependencies=WRITE,
    responses=_errors(*_AUTH, (404, "not_found"), (409, "case_closed"), (422, "validation_error")),
)
async def create_case_action(session: SessionDep, case_id: uuid.UUID, body: ActionCreate) -> ActionRead:
    return ActionRead.model_validate(await cases.record_action(session, case_id, body))


@router.get(
    "/api/v1/collections/overview",
    operation_id="collections-overview",
    summary="Collections overview",
    description=(
        "Total outstanding, overdue amounts and invoice counts by aging bucket on `as_of`, cases by status, "
        "payments received in the period (default: the month of `as_of` up to `as_of`) and the collection "
        "rate: paid so far / invoiced, over the invoices issued in the period."
    ),
    response_model=CollectionsOverview,
    dependencies=READ,
    responses=_errors(*_AUTH, (422, "validation_error")),
)
async def collections_overview(
    session: SessionDep,
    as_of: Annotated[date | None, Query(description="Day the aging is computed for; today if absent.")] = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> CollectionsOverview:
    figures = await service.overview(session, as_of=as_of, period_start=period_start, period_end=period_end)
    return CollectionsOverview.model_validate(figures)
